import type { SpecIssue } from '../compiler/SpecIssue.ts';
import type { PlanIssue } from '../plan/PlanIssue.ts';
import { printSpecIssues } from './printSpecIssues.ts';

/**
 * Prints the issues a planning error carries (`details.issues`, see app/planningError.ts) above its `CODE: message`
 * line: spec issues compiler-style with the source line, plan issues as `path CODE: message` and their hint.
 */
export function printErrorIssues(issues: unknown, stream: NodeJS.WriteStream = process.stderr): void {
  if (!Array.isArray(issues)) return;
  const specIssues = issues.filter(isSpecIssue);
  printSpecIssues({ errors: specIssues, warnings: [] }, stream);
  for (const issue of issues.filter(isPlanIssue)) stream.write(`${issue.path} ${issue.code}: ${issue.message}${issue.hint ? `\n  hint: ${issue.hint}` : ''}\n`);
}

function isSpecIssue(issue: unknown): issue is SpecIssue {
  const candidate = issue as Partial<SpecIssue> | null;
  return typeof candidate?.file === 'string' && typeof candidate.line === 'number' && typeof candidate.column === 'number' && typeof candidate.code === 'string';
}

function isPlanIssue(issue: unknown): issue is PlanIssue {
  const candidate = issue as Partial<PlanIssue> | null;
  return !isSpecIssue(issue) && typeof candidate?.code === 'string' && typeof candidate.path === 'string' && typeof candidate.message === 'string';
}
