import type { ManagedCluster } from './ManagedCluster.ts';
import { memberPaths } from './memberPaths.ts';
import { stopMemberServer } from './memberServer.ts';

/** `dbarch cluster down`: fast shutdown of every running member, in parallel; data directories are kept. */
export async function stopCluster(cluster: ManagedCluster, options: { mode?: 'fast' | 'immediate' } = {}): Promise<{ readonly member: string; readonly stopped: boolean }[]> {
  return Promise.all(cluster.members.map(async (m) => ({ member: m.name, stopped: await stopMemberServer(memberPaths(cluster, m), options.mode ?? 'fast') })));
}
