import type { ManagedCluster } from '../activities/cluster/ManagedCluster.ts';
import { readClusterStatus, type ClusterMemberView } from '../activities/cluster/readClusterStatus.ts';
import type { ClusterTopology, TopologyHistoryEntry } from '../activities/topology/ClusterTopology.ts';
import type { ControlDatabase } from '../activities/topology/publishTopology.ts';
import { readTopology, readTopologyHistory } from '../activities/topology/readTopology.ts';

export interface TopologyReport {
  readonly cluster: string;
  readonly mode: ManagedCluster['mode'];
  /** What is published (null before `cluster up`). */
  readonly topology: ClusterTopology | null;
  /** What the members say right now. */
  readonly members: readonly ClusterMemberView[];
  /** The latest failover or switchover from the topology history. */
  readonly lastFailover: TopologyHistoryEntry | null;
  /** Differences between what is published and what runs (a primary that is not the published one, …). */
  readonly warnings: readonly string[];
}

/** `dbarch topology`: the published topology beside a live check of every member, and the last failover. */
export async function clusterTopologyReport(control: ControlDatabase, cluster: ManagedCluster, timeoutMs = 2000): Promise<TopologyReport> {
  const [topology, status, history] = await Promise.all([
    readTopology(control.pool, cluster.name),
    readClusterStatus(cluster, timeoutMs),
    readTopologyHistory(control.pool, cluster.name, { limit: 1, kinds: ['failover', 'switchover'] }),
  ]);
  const warnings: string[] = [];
  if (topology !== undefined) {
    for (const p of status.primaries) if (p !== topology.primary.member) warnings.push(`${p} runs as a primary but the published primary is ${topology.primary.member}`);
    const published = status.members.find((m) => m.member === topology.primary.member);
    if (published !== undefined && published.role !== 'primary') warnings.push(`the published primary ${topology.primary.member} is ${published.reachable ? 'not a primary' : 'unreachable'}`);
  } else {
    warnings.push(`no topology is published for ${cluster.name}: run \`dbarch cluster up\``);
  }
  return { cluster: cluster.name, mode: cluster.mode, topology: topology ?? null, members: status.members, lastFailover: history[0] ?? null, warnings };
}
