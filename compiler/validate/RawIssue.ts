import type { ErrorCode } from '../../errors/registry.ts';
import type { SpecIssueSeverity } from '../SpecIssue.ts';

/** An issue before it has a file position: the path inside the merged spec, and whether to point at the key. */
export interface RawIssue {
  readonly segments: readonly string[];
  readonly target: 'key' | 'value';
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string | undefined;
  readonly severity: SpecIssueSeverity;
}
