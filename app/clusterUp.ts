import { memberUrl } from '../compiler/sections/clusters/memberUrl.ts';
import type { ManagedCluster } from '../activities/cluster/ManagedCluster.ts';
import { provisionCluster, type ProvisionResult } from '../activities/cluster/provisionCluster.ts';
import type { ClusterTls } from '../activities/tls/ClusterTls.ts';
import { rotateClusterTls } from '../activities/tls/rotateClusterTls.ts';
import type { ClusterTopology } from '../activities/topology/ClusterTopology.ts';
import { publishTopology, type ControlDatabase } from '../activities/topology/publishTopology.ts';
import { readTopology } from '../activities/topology/readTopology.ts';

export interface ClusterUpResult extends ProvisionResult {
  readonly topology: ClusterTopology;
  /** Whether this run published the initial topology (false: one was published before, and was followed). */
  readonly publishedInitial: boolean;
}

/**
 * `dbarch cluster up`: provisions the members (the published primary stays the primary: after a failover the
 * spec's first member is not the primary any more), then publishes the initial topology (epoch 1) when none is.
 */
export async function clusterUp(control: ControlDatabase, cluster: ManagedCluster, options: { progress?: (message: string) => void; checkTimeoutMs?: number; tls?: ClusterTls } = {}): Promise<ClusterUpResult> {
  const published = await readTopology(control.pool, cluster.name);
  // TLS files first: members created now start with TLS on; running ones get what is due, reloaded.
  if (options.tls !== undefined) await rotateClusterTls(cluster, options.tls, options.progress === undefined ? {} : { progress: options.progress });
  const result = await provisionCluster(cluster, {
    ...(published === undefined ? {} : { primary: published.primary.member }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    ...(options.checkTimeoutMs === undefined ? {} : { checkTimeoutMs: options.checkTimeoutMs }),
  });
  if (published !== undefined) return { ...result, topology: published, publishedInitial: false };
  const primary = cluster.members.find((m) => m.name === result.primary);
  if (primary === undefined) throw new Error(`provisioned primary ${result.primary} is not a member`);
  const { topology } = await publishTopology(control, {
    cluster: cluster.name,
    expectedEpoch: 0,
    primary: { member: primary.name, url: memberUrl(primary) },
    replicas: cluster.members.filter((m) => m !== primary).map((m) => ({ member: m.name, url: memberUrl(m) })),
    timeline: result.timeline,
    kind: 'initial',
    reason: 'dbarch cluster up',
    origin: `cluster-up:${cluster.name}:initial`,
    details: { mode: cluster.mode, synchronous: cluster.synchronous },
  });
  return { ...result, topology, publishedInitial: true };
}
