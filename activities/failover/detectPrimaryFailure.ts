import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { failoverContext } from './failoverContext.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import type { MemberState } from './MemberState.ts';
import { probeMembers } from './probeMember.ts';

export interface FailureConfirmation {
  readonly primary: string;
  readonly epoch: number;
  readonly timeline: number | null;
  /** Every member as this check saw it: the evidence the failover acted on. */
  readonly members: readonly MemberState[];
}

/**
 * The failover's first step: confirm that the published primary fails its health check now (a failover never
 * replaces a primary that answers) and that there is a replica to promote. Nothing is changed.
 */
export async function detectPrimaryFailure(control: pg.Pool, cluster: FailoverCluster, runKey: string): Promise<FailureConfirmation> {
  const context = await failoverContext(control, cluster, runKey);
  if (cluster.members.length < 2) throw new DbarchError('DBA_FAILOVER_NO_REPLICA', `cluster ${cluster.name} has no replica to promote (members: ${cluster.members.map((m) => m.name).join(', ') || 'none'})`);
  const members = await probeMembers(cluster.members, cluster.health.timeoutMs);
  const old = members.find((m) => m.name === context.oldPrimary.name);
  // Once this run published, the primary it replaced may well be back (fenced): the detection stands.
  if (context.published === undefined && old?.reachable === true && old.inRecovery === false) {
    throw new DbarchError('DBA_FAILOVER_PRIMARY_HEALTHY', `the primary ${old.name} of cluster ${cluster.name} answers its health check (${old.latencyMs} ms)`, { details: { members } });
  }
  return { primary: context.oldPrimary.name, epoch: context.topology?.epoch ?? 0, timeline: context.topology?.timeline ?? null, members };
}
