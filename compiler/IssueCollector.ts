import type { ErrorCode } from '../errors/registry.ts';
import { errorCodes } from '../errors/registry.ts';
import type { SpecIssue, SpecIssueSeverity } from './SpecIssue.ts';

/** Gathers issues from every stage; no stage stops at the first problem. */
export class IssueCollector {
  readonly errors: SpecIssue[] = [];
  readonly warnings: SpecIssue[] = [];

  add(issue: Omit<SpecIssue, 'hint' | 'severity'> & { hint?: string | undefined; severity?: SpecIssueSeverity }): void {
    const full: SpecIssue = {
      file: issue.file,
      line: issue.line,
      column: issue.column,
      path: issue.path,
      code: issue.code,
      message: issue.message,
      hint: issue.hint ?? errorCodes[issue.code].hint,
      severity: issue.severity ?? 'error',
    };
    (full.severity === 'error' ? this.errors : this.warnings).push(full);
  }

  /** An issue about a whole file (no better position than its start). */
  fileIssue(file: string, code: ErrorCode, message: string, hint?: string, severity: SpecIssueSeverity = 'error'): void {
    this.add({ file, line: 1, column: 1, path: '', code, message, hint, severity });
  }
}
