import type { Collector, MetricFamily, MetricSample } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const standby = (name: string, type: MetricFamily['type'], help: string): MetricFamily => ({ name: `dbarch_pg_stat_replication_${name}`, type, help, labels: ['standby'] });

const primarySide = {
  replay_lag_seconds: standby('replay_lag_seconds', 'gauge', 'Time between WAL being written on the primary and replayed on the standby (pg_stat_replication.replay_lag; absent while the standby reports none).'),
  flush_lag_seconds: standby('flush_lag_seconds', 'gauge', 'Time until the standby flushed WAL to disk (pg_stat_replication.flush_lag).'),
  write_lag_seconds: standby('write_lag_seconds', 'gauge', 'Time until the standby wrote WAL (pg_stat_replication.write_lag).'),
  replay_lag_bytes: standby('replay_lag_bytes', 'gauge', 'WAL bytes written on the primary and not yet replayed by the standby.'),
  sent_lag_bytes: standby('sent_lag_bytes', 'gauge', 'WAL bytes written on the primary and not yet sent to the standby.'),
} as const;
const streaming: MetricFamily = { name: 'dbarch_pg_stat_replication_streaming', type: 'gauge', help: 'Standbys connected to the primary, by state and sync state.', labels: ['state', 'sync_state'] };

const replicaSide = {
  replay_delay_seconds: {
    name: 'dbarch_pg_replica_replay_delay_seconds',
    type: 'gauge',
    help: 'On a standby: age of the last replayed transaction while received WAL waits for replay (0 when replay has caught up with what was received).',
    labels: [],
  },
  receive_replay_bytes: { name: 'dbarch_pg_replica_receive_replay_lag_bytes', type: 'gauge', help: 'On a standby: WAL bytes received and not yet replayed.', labels: [] },
  replay_paused: { name: 'dbarch_pg_replica_replay_paused', type: 'gauge', help: 'On a standby: 1 while WAL replay is paused (pg_wal_replay_pause()).', labels: [] },
} as const satisfies Record<string, MetricFamily>;

/**
 * Replication from both ends: on a primary, every standby of pg_stat_replication with its lag in time and bytes;
 * on a standby, how far replay trails what it received (CloudNativePG's measure, which stays 0 on an idle primary
 * instead of growing with the time since the last write) and whether replay is paused.
 */
export const pgStatReplicationCollector: Collector = {
  name: 'pg_stat_replication',
  families: [...Object.values(primarySide), streaming, ...Object.values(replicaSide)],
  async collect(session) {
    if (session.inRecovery) {
      const [row] = await session.query<Record<keyof typeof replicaSide, unknown>>(
        `SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                     ELSE extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END AS replay_delay_seconds,
                greatest(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0) AS receive_replay_bytes,
                pg_is_wal_replay_paused() AS replay_paused`,
      );
      if (row === undefined) return [];
      return Object.entries(replicaSide).flatMap(([column, family]) => metricSample(family, {}, row[column as keyof typeof replicaSide]));
    }
    const rows = await session.query<Record<keyof typeof primarySide | 'standby' | 'state' | 'sync_state', unknown>>(
      `SELECT coalesce(nullif(application_name, ''), host(client_addr) || ':' || client_port, 'pid ' || pid) AS standby, state, sync_state,
              extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds, extract(epoch FROM flush_lag)::float8 AS flush_lag_seconds,
              extract(epoch FROM write_lag)::float8 AS write_lag_seconds,
              pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS replay_lag_bytes, pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn) AS sent_lag_bytes
         FROM pg_stat_replication`,
    );
    const counts = new Map<string, { state: string; sync_state: string; n: number }>();
    const samples: MetricSample[] = [];
    for (const row of rows) {
      const labels = { standby: String(row.standby) };
      samples.push(...Object.entries(primarySide).flatMap(([column, family]) => metricSample(family, labels, row[column as keyof typeof primarySide])));
      const key = `${String(row.state)}/${String(row.sync_state)}`;
      const count = counts.get(key) ?? { state: String(row.state), sync_state: String(row.sync_state), n: 0 };
      count.n += 1;
      counts.set(key, count);
    }
    samples.push(...[...counts.values()].flatMap(({ state, sync_state, n }) => metricSample(streaming, { state, sync_state }, n)));
    return samples;
  },
};
