import type { FailoverCluster } from './FailoverCluster.ts';

/**
 * synchronous_standby_names for `primary`: every other member by name (a member that is not streaming simply does
 * not count), so a former primary counts again as soon as it rejoins. Async mode, or sync mode with no standby
 * left to confirm (`standbysUp` 0), is '' so writes go on; strict mode keeps waiting for a standby.
 */
export function syncStandbyNames(cluster: FailoverCluster, primary: string, standbysUp: number): string {
  const { mode, method, count } = cluster.replication;
  if (mode === 'async' || (mode === 'sync' && standbysUp === 0)) return '';
  const names = cluster.members.filter((m) => m.name !== primary).map((m) => `"${m.name}"`);
  if (names.length === 0) return '';
  return `${method} ${Math.min(count, names.length)} (${names.join(', ')})`;
}
