import type { PlanContext } from './PlanContext.ts';

/**
 * `when: { env: { require_approval: true, rollback_on_error: [undo, restore] } }`: every key must equal the
 * environment's setting, or be one of a list. Returns the keys that decide it, for the plan's `skipped` reason.
 */
export function envConditionHolds(condition: Readonly<Record<string, unknown>>, context: PlanContext): { holds: boolean; unknown: string[]; because: string } {
  const unknown: string[] = [];
  const failed: string[] = [];
  for (const [key, wanted] of Object.entries(condition)) {
    if (!context.env || !Object.hasOwn(context.env, key)) {
      unknown.push(key);
      continue;
    }
    const actual = context.env[key];
    const accepted = Array.isArray(wanted) ? wanted : [wanted];
    if (!accepted.some((candidate) => JSON.stringify(candidate) === JSON.stringify(actual))) failed.push(`${key} is ${JSON.stringify(actual)}`);
  }
  const wantedText = Object.entries(condition).map(([key, wanted]) => `${key}: ${JSON.stringify(wanted)}`).join(', ');
  return { holds: unknown.length === 0 && failed.length === 0, unknown, because: `runs only where ${wantedText} (here ${failed.join(', ') || 'unknown'})` };
}
