import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';
import type { Plan } from './Plan.ts';

/** The hash approvals name: sha256 of the canonical plan without its own hash field. */
export function planHash(plan: Omit<Plan, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = plan;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
