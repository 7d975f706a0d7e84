import type { SpecIssue } from '../SpecIssue.ts';

export interface JsonIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

export interface JsonReport {
  readonly valid: boolean;
  readonly errors: readonly JsonIssue[];
  readonly warnings: readonly JsonIssue[];
}

/** The machine-readable report of `dbarch validate --format json`; `path` is a JSON pointer. */
export function formatIssuesJson(result: { valid: boolean; errors: readonly SpecIssue[]; warnings: readonly SpecIssue[] }): JsonReport {
  const plain = ({ file, line, column, path, code, message, hint }: SpecIssue): JsonIssue => ({ file, line, column, path, code, message, hint });
  return { valid: result.valid, errors: result.errors.map(plain), warnings: result.warnings.map(plain) };
}
