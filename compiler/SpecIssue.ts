import type { ErrorCode } from '../errors/registry.ts';

export type SpecIssueSeverity = 'error' | 'warning';

/** One finding of the compiler, pointing at the exact place in the source. Line and column are 1-based. */
export interface SpecIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** JSON pointer into the merged spec, e.g. `/gateway_config/database_routing/0/connection_pool/min`. */
  readonly path: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint: string;
  readonly severity: SpecIssueSeverity;
}
