import { createHash } from 'node:crypto';

/**
 * One alert's identity: its rule and its label set, order-free. The same for every evaluation and worker, so it
 * keys the evaluator's state and is PagerDuty's dedup_key (a trigger and its resolve meet on it).
 */
export function alertFingerprint(rule: string, labels: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(labels).sort().map((key) => [key, labels[key]]);
  return createHash('sha256').update(JSON.stringify([rule, sorted])).digest('hex').slice(0, 16);
}
