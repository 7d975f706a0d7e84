import type pg from 'pg';
import { failoverContext } from './failoverContext.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { fenceMember, type FenceResult } from './fenceMember.ts';

/** The failover's fence: the primary this run replaces accepts no more writes (see fenceMember). */
export async function fenceOldPrimary(control: pg.Pool, cluster: FailoverCluster, runKey: string): Promise<FenceResult> {
  const context = await failoverContext(control, cluster, runKey);
  return fenceMember(context.oldPrimary, cluster.health.timeoutMs);
}
