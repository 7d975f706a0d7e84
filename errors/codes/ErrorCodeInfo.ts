/** What the registry knows about one error code; docs/errors.md is generated from these entries. */
export interface ErrorCodeInfo {
  /** One line: what went wrong. */
  readonly summary: string;
  /** What the user can do about it. */
  readonly hint: string;
  /** Whether retrying the same operation can succeed (network blips, locks); false for user mistakes. */
  readonly retryable: boolean;
}

/** Keeps the literal keys of a code table while checking every entry's shape. */
export function defineCodes<const T extends Record<string, ErrorCodeInfo>>(codes: T): T {
  return codes;
}
