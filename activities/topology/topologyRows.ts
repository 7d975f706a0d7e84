import type { ClusterTopology, TopologyChangeKind, TopologyHistoryEntry, TopologyMember } from './ClusterTopology.ts';

/** The columns of dbarch.cluster_topology as selected by the topology queries (bigint epoch as text). */
export interface TopologyRow {
  readonly cluster: string;
  readonly epoch: string;
  readonly primary_member: string;
  readonly primary_url: string;
  readonly replicas: readonly TopologyMember[];
  readonly fenced: readonly string[];
  readonly timeline: number | null;
  readonly updated_at: Date;
}

export interface TopologyHistoryRow extends Omit<TopologyRow, 'updated_at'> {
  readonly kind: TopologyChangeKind;
  readonly reason: string;
  readonly origin: string | null;
  readonly details: Record<string, unknown>;
  readonly changed_at: Date;
}

export const topologyColumns = 'cluster, epoch::text, primary_member, primary_url, replicas, fenced, timeline, updated_at';
export const historyColumns = 'cluster, epoch::text, kind, reason, primary_member, primary_url, replicas, fenced, timeline, origin, details, changed_at';

export function topologyFromRow(row: TopologyRow): ClusterTopology {
  return {
    cluster: row.cluster,
    epoch: Number(row.epoch),
    primary: { member: row.primary_member, url: row.primary_url },
    replicas: row.replicas.map((r) => ({ member: r.member, url: r.url })),
    fenced: [...row.fenced],
    timeline: row.timeline,
    updatedAt: row.updated_at.toISOString(),
  };
}

export function historyFromRow(row: TopologyHistoryRow): TopologyHistoryEntry {
  return {
    cluster: row.cluster,
    epoch: Number(row.epoch),
    kind: row.kind,
    reason: row.reason,
    primary: { member: row.primary_member, url: row.primary_url },
    replicas: row.replicas.map((r) => ({ member: r.member, url: r.url })),
    fenced: [...row.fenced],
    timeline: row.timeline,
    origin: row.origin,
    details: row.details,
    changedAt: row.changed_at.toISOString(),
  };
}
