import type { ErrorCode } from '../errors/registry.ts';

/** A reason a procedure cannot be planned; `path` is a JSON pointer into the spec. All are reported at once. */
export interface PlanIssue {
  readonly code: ErrorCode;
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}
