import type { SpecIssue } from '../compiler/SpecIssue.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { PlanIssue } from '../plan/PlanIssue.ts';

/**
 * The coded error for a spec that cannot be compiled or planned: the first issue's code and hint, every issue in
 * `details.issues` (all reported at once). Callers print them (the CLI, compiler-style) or return them (the API).
 */
export function planningError(subject: string, issues: readonly (SpecIssue | PlanIssue)[]): DbarchError {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length === 2 ? '' : 's'})` : '';
  return new DbarchError(first?.code ?? 'DBA_PLAN_INVALID', `${subject}: ${first?.message ?? 'unknown problem'}${more}`, {
    ...(first?.hint ? { hint: first.hint } : {}),
    details: { issues },
  });
}
