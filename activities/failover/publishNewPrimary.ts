import { DbarchError } from '../../errors/DbarchError.ts';
import type { TopologyChangeKind } from '../topology/ClusterTopology.ts';
import { publishTopology, type ControlDatabase, type PublishResult } from '../topology/publishTopology.ts';
import { failoverContext, failoverOrigin, memberNamed, topologyMember } from './failoverContext.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { probeMembers } from './probeMember.ts';

/**
 * Publishes the promoted member as the primary (compare-and-set on the epoch the run began from) with the old
 * primary fenced: from this epoch on the data plane writes only to the new primary, and the old one is never
 * written through dbarch again until it rejoins. Idempotent under the run's origin.
 */
export async function publishNewPrimary(control: ControlDatabase, cluster: FailoverCluster, runKey: string, kind: TopologyChangeKind = 'failover'): Promise<PublishResult> {
  const context = await failoverContext(control.pool, cluster, runKey);
  const old = context.oldPrimary.name;
  const states = await probeMembers(cluster.members, cluster.health.timeoutMs);
  const promoted = states.filter((s) => s.name !== old && s.reachable && s.inRecovery === false);
  if (context.published === undefined && promoted.length !== 1) {
    throw new DbarchError(promoted.length === 0 ? 'DBA_CLUSTER_NO_PRIMARY' : 'DBA_CLUSTER_SPLIT_BRAIN', `cluster ${cluster.name}: ${promoted.length} promoted members, nothing published`, { details: { states } });
  }
  const primary = memberNamed(cluster, context.published?.primary ?? promoted[0]!.name);
  const timeline = states.find((s) => s.name === primary.name)?.timeline ?? null;
  return publishTopology(control, {
    cluster: cluster.name,
    expectedEpoch: context.topology?.epoch ?? 0,
    primary: topologyMember(primary),
    replicas: cluster.members.filter((m) => m.name !== primary.name && m.name !== old).map(topologyMember),
    fenced: [...new Set([...(context.topology?.fenced ?? []).filter((name) => name !== primary.name), ...(kind === 'failover' ? [old] : [])])],
    timeline,
    kind,
    reason: kind === 'failover' ? `${old} failed its health checks; ${primary.name} promoted` : `planned switchover from ${old} to ${primary.name}`,
    origin: failoverOrigin(runKey),
    details: { oldPrimary: old, newPrimary: primary.name, timeline, members: states },
  });
}
