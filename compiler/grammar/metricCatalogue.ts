/**
 * The metrics dbarch exports (Prometheus exporter, Datadog forwarder). Alert conditions and exporter metric lists
 * are checked against this table, so a typo is an error at validate time rather than a silent never-firing alert.
 * `group` entries are collections (a PostgreSQL statistics view, a pool's counters) that exporters can ship but
 * alert conditions cannot compare.
 */
export type MetricUnit = 'duration' | 'percent' | 'count' | 'bytes' | 'group';

export interface MetricInfo {
  readonly unit: MetricUnit;
  readonly description: string;
}

export const metricCatalogue = {
  pg_stat_database: { unit: 'group', description: 'Per-database counters from pg_stat_database (commits, rollbacks, blocks, tuples).' },
  pg_stat_statements: { unit: 'group', description: 'Per-statement timing from the pg_stat_statements extension.' },
  pg_stat_replication: { unit: 'group', description: 'Per-standby replication state and lag from pg_stat_replication.' },
  pg_stat_activity: { unit: 'group', description: 'Sessions by state from pg_stat_activity.' },
  pg_stat_bgwriter: { unit: 'group', description: 'Checkpoint and background writer counters.' },
  pg_locks: { unit: 'group', description: 'Locks held and awaited, by mode.' },
  replication_slots: { unit: 'group', description: 'Replication slots: WAL each retains, room before max_slot_wal_keep_size, active, lost.' },
  connection_pool_stats: { unit: 'group', description: 'Gateway pool counters: active, idle, waiting, max per route.' },
  cache_stats: { unit: 'group', description: 'Cache hits, misses and invalidations per TTL policy.' },
  queue_stats: { unit: 'group', description: 'Outbox backlog and published messages per exchange.' },
  backup_stats: { unit: 'group', description: 'Base backup and WAL archive ages and sizes.' },
  query_latency_p50: { unit: 'duration', description: 'Median query latency through the gateway.' },
  query_latency_p95: { unit: 'duration', description: '95th percentile query latency through the gateway.' },
  query_latency_p99: { unit: 'duration', description: '99th percentile query latency through the gateway.' },
  query_throughput: { unit: 'count', description: 'Queries per second through the gateway.' },
  slow_query_count: { unit: 'count', description: 'Queries slower than the slow-query threshold in the last interval.' },
  error_rate: { unit: 'percent', description: 'Share of gateway queries that failed.' },
  replication_lag: { unit: 'duration', description: 'Replay delay of the most lagging standby.' },
  replication_lag_bytes: { unit: 'bytes', description: 'WAL bytes not yet replayed by the most lagging standby.' },
  replication_slot_retained_bytes: { unit: 'bytes', description: 'WAL the most demanding replication slot keeps on the primary (a stalled CDC consumer pins WAL until the disk fills).' },
  pool_utilization: { unit: 'percent', description: 'Busy connections as a share of the pool maximum (highest route).' },
  pool_waiting: { unit: 'count', description: 'Clients waiting for a pooled connection.' },
  connection_count: { unit: 'count', description: 'Open server connections.' },
  cache_hit_ratio: { unit: 'percent', description: 'Cache hits as a share of lookups.' },
  buffer_cache_hit_ratio: { unit: 'percent', description: 'PostgreSQL shared buffer hits as a share of block reads.' },
  disk_usage: { unit: 'bytes', description: 'Size of the database directory.' },
  disk_utilization: { unit: 'percent', description: 'Used share of the data volume.' },
  wal_size: { unit: 'bytes', description: 'Size of pg_wal.' },
  deadlocks: { unit: 'count', description: 'Deadlocks detected in the last interval.' },
  lock_waits: { unit: 'count', description: 'Sessions waiting on a lock.' },
  backup_age: { unit: 'duration', description: 'Time since the last successful base backup.' },
  wal_archive_lag: { unit: 'duration', description: 'Age of the oldest WAL segment not yet archived.' },
  outbox_backlog: { unit: 'count', description: 'Outbox rows not yet published.' },
  queue_depth: { unit: 'count', description: 'Messages waiting in the deepest queue.' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof metricCatalogue;

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(metricCatalogue, name);
}

export const metricNames: readonly MetricName[] = Object.keys(metricCatalogue).filter(isMetricName);
