import type { Plan } from '../plan/Plan.ts';

/**
 * `migrate:<env>:<plan hash>`: the plan covers the spec and the exact migration files (their digests), so the same
 * files started twice attach to one run and new files start another. The git trigger names the commit instead.
 */
export function migrationWorkflowId(plan: Plan, source?: string): string {
  return `migrate:${plan.environment}:${source ?? plan.hash.slice(0, 16)}`;
}
