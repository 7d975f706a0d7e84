import type pg from 'pg';
import type { ClusterTopology, TopologyHistoryEntry } from './ClusterTopology.ts';
import { historyColumns, topologyColumns, topologyFromRow, historyFromRow, type TopologyHistoryRow, type TopologyRow } from './topologyRows.ts';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** SQLSTATE undefined_table / invalid_schema_name: the control migrations never ran here, so nothing is published. */
const notCreated = new Set(['42P01', '3F000']);

/** The published topology of `cluster`, or undefined when none is published (or the tables do not exist yet). */
export async function readTopology(db: Queryable, cluster: string): Promise<ClusterTopology | undefined> {
  try {
    const { rows } = await db.query<TopologyRow>(`SELECT ${topologyColumns} FROM dbarch.cluster_topology WHERE cluster = $1`, [cluster]);
    return rows[0] === undefined ? undefined : topologyFromRow(rows[0]);
  } catch (error) {
    if (notCreated.has((error as { code?: string }).code ?? '')) return undefined;
    throw error;
  }
}

/** The latest `limit` changes of `cluster`, newest first (kinds filter, e.g. ['failover', 'switchover']). */
export async function readTopologyHistory(db: Queryable, cluster: string, options: { limit?: number; kinds?: readonly string[] } = {}): Promise<TopologyHistoryEntry[]> {
  try {
    const { rows } = await db.query<TopologyHistoryRow>(
      `SELECT ${historyColumns} FROM dbarch.cluster_topology_history WHERE cluster = $1 AND ($2::text[] IS NULL OR kind = ANY($2)) ORDER BY epoch DESC LIMIT $3`,
      [cluster, options.kinds === undefined ? null : [...options.kinds], options.limit ?? 20],
    );
    return rows.map(historyFromRow);
  } catch (error) {
    if (notCreated.has((error as { code?: string }).code ?? '')) return [];
    throw error;
  }
}
