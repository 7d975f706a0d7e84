/**
 * The published-topology contract that the data plane (gateway/), the failover workflow and `dbarch topology`
 * share: per managed cluster, which member is the primary, the replicas, the timeline and an epoch that grows by
 * one with every change. The epoch is the fencing token: a change is published only against the epoch it was
 * decided on (compare-and-set), so of two publishers racing from the same epoch exactly one wins, and a reader
 * holding epoch N knows any primary named under an older epoch is stale. Tables: dbarch.cluster_topology and
 * dbarch.cluster_topology_history in the control database (activities/schema/control/V5__cluster_topology.sql).
 */

/** The channel listeners LISTEN on; the payload is a TopologyNotification as JSON, sent in the publishing transaction. */
export const topologyChannel = 'dbarch_topology';

export interface TopologyMember {
  readonly member: string;
  /** Connection URL of the member (derived as in compiler/sections/clusters/memberUrl.ts for managed members). */
  readonly url: string;
}

/** Why the topology changed: the first publication, a failover, a planned switchover, a rejoin, a sync-mode change. */
export type TopologyChangeKind = 'initial' | 'failover' | 'switchover' | 'rejoin' | 'replication' | 'manual';

export interface ClusterTopology {
  readonly cluster: string;
  /** Grows by one with every published change; the fencing token. */
  readonly epoch: number;
  readonly primary: TopologyMember;
  readonly replicas: readonly TopologyMember[];
  /** Members never to be written through dbarch until they rejoin as standbys (a fenced former primary). */
  readonly fenced: readonly string[];
  /** The primary's timeline when published, if known. */
  readonly timeline: number | null;
  /** ISO timestamp of the change. */
  readonly updatedAt: string;
}

export interface TopologyChange {
  readonly cluster: string;
  /** The epoch the change was decided on: 0 when nothing is published yet. */
  readonly expectedEpoch: number;
  readonly primary: TopologyMember;
  readonly replicas: readonly TopologyMember[];
  readonly fenced?: readonly string[];
  readonly timeline?: number | null;
  readonly kind: TopologyChangeKind;
  readonly reason: string;
  /** The publisher's idempotency key: publishing the same origin twice returns the first result. */
  readonly origin?: string;
  /** Decisions and measurements worth keeping with the change (JSON). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface TopologyHistoryEntry {
  readonly cluster: string;
  readonly epoch: number;
  readonly kind: TopologyChangeKind;
  readonly reason: string;
  readonly primary: TopologyMember;
  readonly replicas: readonly TopologyMember[];
  readonly fenced: readonly string[];
  readonly timeline: number | null;
  readonly origin: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly changedAt: string;
}

/** The NOTIFY payload: small (NOTIFY payloads are limited to 8000 bytes); listeners read the row for the rest. */
export interface TopologyNotification {
  readonly cluster: string;
  readonly epoch: number;
  readonly primaryMember: string;
  readonly primaryUrl: string;
  readonly timeline: number | null;
  readonly kind: TopologyChangeKind;
}
