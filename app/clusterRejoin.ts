import { memberUrl } from '../compiler/sections/clusters/memberUrl.ts';
import type { ManagedCluster } from '../activities/cluster/ManagedCluster.ts';
import { rejoinMember, type RejoinResult } from '../activities/cluster/rejoinMember.ts';
import type { ClusterTopology } from '../activities/topology/ClusterTopology.ts';
import { publishTopology, type ControlDatabase } from '../activities/topology/publishTopology.ts';
import { readTopology } from '../activities/topology/readTopology.ts';
import { DbarchError } from '../errors/DbarchError.ts';

/**
 * `dbarch cluster rejoin`: the member becomes a standby of the *published* primary (pg_rewind), then the topology
 * is republished with it among the replicas and no longer fenced (compare-and-set on the epoch read here).
 */
export async function clusterRejoin(control: ControlDatabase, cluster: ManagedCluster, memberName: string, options: { log?: (message: string) => void } = {}): Promise<RejoinResult & { topology: ClusterTopology }> {
  const published = await readTopology(control.pool, cluster.name);
  if (published === undefined) throw new DbarchError('DBA_TOPOLOGY_UNPUBLISHED', `no topology is published for cluster ${cluster.name}, so there is no primary to rejoin`);
  const primary = cluster.members.find((m) => m.name === published.primary.member);
  if (primary === undefined) throw new DbarchError('DBA_CLUSTER_REJOIN_INVALID', `the published primary ${published.primary.member} is not a member of ${cluster.name} in this spec`);
  const result = await rejoinMember(cluster, memberName, primary, options.log === undefined ? {} : { log: options.log });
  const member = cluster.members.find((m) => m.name === memberName);
  const listed = published.replicas.some((r) => r.member === memberName) && !published.fenced.includes(memberName);
  if (member === undefined || listed) return { ...result, topology: published };
  const { topology } = await publishTopology(control, {
    cluster: cluster.name,
    expectedEpoch: published.epoch,
    primary: published.primary,
    replicas: [...published.replicas.filter((r) => r.member !== memberName), { member: memberName, url: memberUrl(member) }],
    fenced: published.fenced.filter((f) => f !== memberName),
    timeline: published.timeline,
    kind: 'rejoin',
    reason: `${memberName} rejoined as a standby of ${primary.name} (${result.method})`,
    details: { method: result.method },
  });
  return { ...result, topology };
}
