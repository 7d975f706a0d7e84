import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';
import { topologyChannel, type ClusterTopology, type TopologyChange, type TopologyNotification } from './ClusterTopology.ts';
import { historyColumns, topologyColumns, topologyFromRow, type TopologyHistoryRow, type TopologyRow } from './topologyRows.ts';

/** Where the topology tables live: the control database's URL (for its migrations) and a pool on it. */
export interface ControlDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
}

export interface PublishResult {
  readonly topology: ClusterTopology;
  /** false when this origin had published already (a retried activity): the earlier change is returned. */
  readonly published: boolean;
}

/**
 * Publishes a cluster's next topology: compare-and-set on the epoch, so it succeeds only while the published epoch
 * is still `expectedEpoch` (0: nothing published yet), and then the epoch becomes expectedEpoch + 1. One
 * statement decides (an upsert guarded by the epoch), so of two publishers deciding from the same epoch exactly
 * one wins and the other gets DBA_TOPOLOGY_EPOCH_CONFLICT. The row, its history entry and the NOTIFY commit
 * together: listeners hear of a change exactly when it is visible, never of a rolled-back one.
 */
export async function publishTopology(control: ControlDatabase, change: TopologyChange): Promise<PublishResult> {
  await ensureDbarchSchema('control', control.url);
  const client = await control.pool.connect();
  try {
    await client.query('BEGIN');
    if (change.origin !== undefined) {
      const earlier = await client.query<TopologyHistoryRow>(`SELECT ${historyColumns} FROM dbarch.cluster_topology_history WHERE cluster = $1 AND origin = $2`, [change.cluster, change.origin]);
      const row = earlier.rows[0];
      if (row !== undefined) {
        await client.query('COMMIT');
        return { topology: topologyFromRow({ ...row, updated_at: row.changed_at }), published: false };
      }
    }
    const fenced = [...(change.fenced ?? [])];
    const timeline = change.timeline ?? null;
    const replicas = JSON.stringify(change.replicas.map((r) => ({ member: r.member, url: r.url })));
    const next = change.expectedEpoch + 1;
    // Exactly one of two racing statements matches: the second waits for the first's row (or key) lock and then
    // finds the epoch moved on (or the row there), so it writes nothing.
    const values = [change.cluster, next, change.primary.member, change.primary.url, replicas, fenced, timeline];
    const written = next === 1
      ? await client.query<TopologyRow>(
        `INSERT INTO dbarch.cluster_topology (cluster, epoch, primary_member, primary_url, replicas, fenced, timeline)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::text[], $7) ON CONFLICT (cluster) DO NOTHING RETURNING ${topologyColumns}`,
        values,
      )
      : await client.query<TopologyRow>(
        `UPDATE dbarch.cluster_topology SET epoch = $2, primary_member = $3, primary_url = $4, replicas = $5::jsonb, fenced = $6::text[], timeline = $7, updated_at = now()
         WHERE cluster = $1 AND epoch = $2 - 1 RETURNING ${topologyColumns}`,
        values,
      );
    const row = written.rows[0];
    if (row === undefined) {
      const current = await client.query<{ epoch: string }>('SELECT epoch::text FROM dbarch.cluster_topology WHERE cluster = $1', [change.cluster]);
      await client.query('ROLLBACK');
      const currentEpoch = current.rows[0] === undefined ? 0 : Number(current.rows[0].epoch);
      throw new DbarchError('DBA_TOPOLOGY_EPOCH_CONFLICT', `the topology of cluster ${change.cluster} is at epoch ${currentEpoch}, not ${change.expectedEpoch}: another change was published first`, {
        details: { cluster: change.cluster, expectedEpoch: change.expectedEpoch, currentEpoch },
      });
    }
    await client.query(
      `INSERT INTO dbarch.cluster_topology_history (cluster, epoch, kind, reason, primary_member, primary_url, replicas, fenced, timeline, origin, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::text[], $9, $10, $11::jsonb)`,
      [change.cluster, next, change.kind, change.reason, change.primary.member, change.primary.url, replicas, fenced, timeline, change.origin ?? null, JSON.stringify(change.details ?? {})],
    );
    const notification: TopologyNotification = { cluster: change.cluster, epoch: next, primaryMember: change.primary.member, primaryUrl: change.primary.url, timeline, kind: change.kind };
    await client.query('SELECT pg_notify($1, $2)', [topologyChannel, JSON.stringify(notification)]);
    await client.query('COMMIT');
    return { topology: topologyFromRow(row), published: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
