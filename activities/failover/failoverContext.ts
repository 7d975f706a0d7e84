import type pg from 'pg';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import type { ClusterTopology, TopologyMember } from '../topology/ClusterTopology.ts';
import { readTopology, readTopologyHistory } from '../topology/readTopology.ts';
import type { FailoverCluster, FailoverMember } from './FailoverCluster.ts';

/**
 * Where one failover run stands, read from the published topology rather than carried between steps, so every
 * step of the procedure (and every retry of one, on any worker) agrees on it: the primary that failed is the one
 * published when the run began; once this run published (its origin is in the history), the new one is known too.
 */
export interface FailoverContext {
  readonly topology: ClusterTopology | undefined;
  /** The member this run replaces. */
  readonly oldPrimary: FailoverMember;
  /** Set once this run has published the new primary. */
  readonly published: { readonly primary: string; readonly epoch: number } | undefined;
}

/** The origin (idempotency key) under which a run publishes its topology change. */
export function failoverOrigin(runKey: string): string {
  return `failover:${runKey}`;
}

export async function failoverContext(control: pg.Pool, cluster: FailoverCluster, runKey: string): Promise<FailoverContext> {
  const topology = await readTopology(control, cluster.name);
  const mine = (await readTopologyHistory(control, cluster.name, { limit: 50, kinds: ['failover', 'switchover'] })).find((entry) => entry.origin === failoverOrigin(runKey));
  const recorded = mine?.details.oldPrimary;
  const oldName = typeof recorded === 'string' ? recorded : (topology?.primary.member ?? cluster.members[0]?.name);
  return {
    topology,
    oldPrimary: memberNamed(cluster, oldName),
    published: mine === undefined ? undefined : { primary: mine.primary.member, epoch: mine.epoch },
  };
}

export function memberNamed(cluster: FailoverCluster, name: string | undefined): FailoverMember {
  const member = cluster.members.find((m) => m.name === name) ?? cluster.members[0];
  if (member === undefined) throw new Error(`cluster ${cluster.name} has no members`);
  return member;
}

export function topologyMember(member: FailoverMember): TopologyMember {
  return { member: member.name, url: memberUrl(member) };
}
