import type { ErrorCode } from '../../errors/registry.ts';

/** What a value parser returns: the parsed value, or a coded error the compiler turns into a SpecIssue. */
export type GrammarResult<T> = { readonly ok: true; readonly value: T } | GrammarFailure;

export interface GrammarFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** Specific to this value; the registry hint is used when absent. */
  readonly hint?: string;
}

export function grammarOk<T>(value: T): GrammarResult<T> {
  return { ok: true, value };
}

export function grammarFail(code: ErrorCode, message: string, hint?: string): GrammarFailure {
  return hint === undefined ? { ok: false, code, message } : { ok: false, code, message, hint };
}
