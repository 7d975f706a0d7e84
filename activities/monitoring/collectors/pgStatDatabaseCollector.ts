import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const counter = (column: string, help: string, unit = ''): MetricFamily => ({
  name: `dbarch_pg_stat_database_${column}${unit}_total`,
  type: 'counter',
  help,
  labels: ['database'],
});

// Column → family; times are milliseconds in PostgreSQL and seconds here (Prometheus base units).
const counters = {
  xact_commit: counter('xact_commit', 'Transactions committed (pg_stat_database.xact_commit).'),
  xact_rollback: counter('xact_rollback', 'Transactions rolled back (pg_stat_database.xact_rollback).'),
  blks_read: counter('blks_read', 'Disk blocks read (pg_stat_database.blks_read).'),
  blks_hit: counter('blks_hit', 'Blocks found in shared buffers (pg_stat_database.blks_hit).'),
  tup_returned: counter('tup_returned', 'Rows returned by queries (pg_stat_database.tup_returned).'),
  tup_fetched: counter('tup_fetched', 'Rows fetched by queries (pg_stat_database.tup_fetched).'),
  tup_inserted: counter('tup_inserted', 'Rows inserted (pg_stat_database.tup_inserted).'),
  tup_updated: counter('tup_updated', 'Rows updated (pg_stat_database.tup_updated).'),
  tup_deleted: counter('tup_deleted', 'Rows deleted (pg_stat_database.tup_deleted).'),
  conflicts: counter('conflicts', 'Queries cancelled by recovery conflicts on a standby (pg_stat_database.conflicts).'),
  temp_files: counter('temp_files', 'Temporary files created by queries (pg_stat_database.temp_files).'),
  temp_bytes: counter('temp', 'Bytes written to temporary files by queries (pg_stat_database.temp_bytes).', '_bytes'),
  deadlocks: counter('deadlocks', 'Deadlocks detected (pg_stat_database.deadlocks).'),
  blk_read_seconds: counter('blk_read_time', 'Time spent reading blocks, when track_io_timing is on (pg_stat_database.blk_read_time).', '_seconds'),
  blk_write_seconds: counter('blk_write_time', 'Time spent writing blocks, when track_io_timing is on (pg_stat_database.blk_write_time).', '_seconds'),
} as const;

const backends: MetricFamily = { name: 'dbarch_pg_stat_database_backends', type: 'gauge', help: 'Sessions connected to the database (pg_stat_database.numbackends).', labels: ['database'] };
const hitRatio: MetricFamily = {
  name: 'dbarch_pg_buffer_cache_hit_ratio',
  type: 'gauge',
  help: 'Share of block reads served from shared buffers since the statistics were reset (0-1).',
  labels: ['database'],
};

type Row = Record<keyof typeof counters | 'datname' | 'numbackends' | 'hit_ratio', unknown>;

/** pg_stat_database for the spec's databases: one query per server, also the source of deadlocks and the hit ratio. */
export const pgStatDatabaseCollector: Collector = {
  name: 'pg_stat_database',
  families: [...Object.values(counters), backends, hitRatio],
  async collect(session) {
    const rows = await session.query<Row>(
      `SELECT datname, numbackends, xact_commit, xact_rollback, blks_read, blks_hit, tup_returned, tup_fetched, tup_inserted,
              tup_updated, tup_deleted, conflicts, temp_files, temp_bytes, deadlocks,
              blk_read_time / 1000 AS blk_read_seconds, blk_write_time / 1000 AS blk_write_seconds,
              blks_hit::float8 / nullif(blks_hit + blks_read, 0) AS hit_ratio
         FROM pg_stat_database WHERE datname = ANY($1)`,
      [session.databases],
    );
    return rows.flatMap((row) => {
      const labels = { database: String(row.datname) };
      return [
        ...Object.entries(counters).flatMap(([column, family]) => metricSample(family, labels, row[column as keyof typeof counters])),
        ...metricSample(backends, labels, row.numbackends),
        ...metricSample(hitRatio, labels, row.hit_ratio),
      ];
    });
  },
};
