import type { ManagedCluster } from './ManagedCluster.ts';

/**
 * synchronous_standby_names for a cluster: empty for async, else `ANY n (a, b, c)` / `FIRST n (…)` over every
 * member. Every member gets the same value: a primary is never its own standby, so the list holds after any
 * failover without rewriting it, and a promoted member waits for the others at once.
 */
export function synchronousStandbyNames(cluster: Pick<ManagedCluster, 'mode' | 'synchronous' | 'members'>): string {
  if (cluster.mode === 'async') return '';
  return `${cluster.synchronous.method} ${cluster.synchronous.count} (${cluster.members.map((m) => m.name).join(', ')})`;
}
