import { readSetting, type PlanContext } from './PlanContext.ts';

/**
 * `when: { env: { require_approval: true, rollback_on_error: [undo, restore], "backup.enabled": true } }`: every
 * key must equal the setting (a bare key is the environment's `env.<key>`, a dotted one a capability's), or be one
 * of a list. Returns the keys that decide it, for the plan's `skipped` reason.
 */
export function envConditionHolds(condition: Readonly<Record<string, unknown>>, context: PlanContext): { holds: boolean; unknown: string[]; because: string } {
  const unknown: string[] = [];
  const failed: string[] = [];
  for (const [key, wanted] of Object.entries(condition)) {
    const setting = readSetting(context, key);
    if (!setting.found) {
      unknown.push(key);
      continue;
    }
    const accepted = Array.isArray(wanted) ? wanted : [wanted];
    if (!accepted.some((candidate) => JSON.stringify(candidate) === JSON.stringify(setting.value))) failed.push(`${key} is ${JSON.stringify(setting.value)}`);
  }
  const wantedText = Object.entries(condition).map(([key, wanted]) => `${key}: ${JSON.stringify(wanted)}`).join(', ');
  return { holds: unknown.length === 0 && failed.length === 0, unknown, because: `runs only where ${wantedText} (here ${failed.join(', ') || 'unknown'})` };
}
