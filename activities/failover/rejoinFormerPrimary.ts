import path from 'node:path';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ManagedCluster } from '../cluster/ManagedCluster.ts';
import { rejoinMember, type RejoinResult } from '../cluster/rejoinMember.ts';
import { publishTopology, type ControlDatabase } from '../topology/publishTopology.ts';
import { readTopology } from '../topology/readTopology.ts';
import { memberNamed, topologyMember } from './failoverContext.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { localDataDir } from './stopLocalMember.ts';

export interface FormerPrimaryRejoin {
  readonly member: string;
  /** skipped: it does not run on this machine (a person rejoins it with `dbarch cluster rejoin` where it runs). */
  readonly outcome: RejoinResult | { readonly skipped: string };
  /** The epoch published with it back among the replicas and no longer fenced. */
  readonly epoch: number | null;
}

/**
 * Brings a fenced former primary back as a standby of the published primary through the cluster engine's rejoin
 * (pg_rewind; it never starts as a primary), then publishes it as a replica again (kind rejoin, no longer
 * fenced). Only members whose data directory is on this machine; others are left for `dbarch cluster rejoin`.
 */
export async function rejoinFormerPrimary(control: ControlDatabase, cluster: FailoverCluster, memberName: string, log: (message: string) => void): Promise<FormerPrimaryRejoin> {
  const member = memberNamed(cluster, memberName);
  if (localDataDir(member) === undefined) return { member: member.name, outcome: { skipped: 'its data directory is not on this machine' }, epoch: null };
  const topology = await readTopology(control.pool, cluster.name);
  if (topology === undefined) throw new DbarchError('DBA_TOPOLOGY_UNPUBLISHED', `no topology is published for cluster ${cluster.name}`);
  if (topology.primary.member === member.name) throw new DbarchError('DBA_CLUSTER_REJOIN_INVALID', `${member.name} is the published primary of ${cluster.name}`);
  const outcome = await rejoinMember(managed(cluster), member.name, memberNamed(cluster, topology.primary.member), { log });
  if (!topology.fenced.includes(member.name) && topology.replicas.some((r) => r.member === member.name)) return { member: member.name, outcome, epoch: topology.epoch };
  const published = await publishTopology(control, {
    cluster: cluster.name,
    expectedEpoch: topology.epoch,
    primary: topology.primary,
    replicas: [...topology.replicas.filter((r) => r.member !== member.name), topologyMember(member)],
    fenced: topology.fenced.filter((name) => name !== member.name),
    timeline: topology.timeline,
    kind: 'rejoin',
    reason: `${member.name} rejoined as a standby of ${topology.primary.member} (${outcome.method})`,
    origin: `rejoin:${cluster.name}:${member.name}:${topology.epoch}`,
    details: { ...outcome },
  });
  return { member: member.name, outcome, epoch: published.topology.epoch };
}

function managed(cluster: FailoverCluster): ManagedCluster {
  const resolved = resolveEnvReferences(cluster.dataDirectory ?? '${DBARCH_CLUSTER_DIR:-/var/lib/dbarch/clusters}', process.env);
  if (!resolved.ok) throw new DbarchError('DBA_FAILOVER_INPUT', `data_directory of cluster ${cluster.name}: ${resolved.message}`);
  return {
    name: cluster.name,
    databases: [],
    members: cluster.members.map((m) => ({ name: m.name, host: m.host, port: m.port })),
    mode: cluster.replication.mode,
    synchronous: { method: cluster.replication.method, count: cluster.replication.count },
    dataDirectory: path.resolve(resolved.value),
    ...(cluster.audit === undefined ? {} : { audit: cluster.audit }),
  };
}
