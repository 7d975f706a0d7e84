import type { MetricName } from '../../compiler/grammar/metricCatalogue.ts';
import type { CollectorName } from './collectorNames.ts';

export interface MetricSource {
  /**
   * The exporter's collector that exports it; absent for the data plane's figures, which every process running a
   * DatabaseClient registers (the gateway serves them at its /metrics, for Prometheus to scrape there).
   */
  readonly collector?: CollectorName;
  /** The exporter's platform source that exports it (activities/monitoring/sources, app/workflowOutcomesSource.ts). */
  readonly source?: 'queue_stats' | 'outbox' | 'backup_stats' | 'workflows';
  /**
   * PromQL over the exporter's families giving the metric in the unit its conditions are written in: seconds
   * for durations, 0-100 for percentages, bytes, counts. Absent for groups, which conditions cannot compare.
   */
  readonly promql?: string;
}

const perServer = 'cluster, server';
const pool = (state: string) => `sum by (service, endpoint) (dbarch_client_pool_connections{state="${state}"})`;
const latency = (quantile: number) => `histogram_quantile(${quantile}, sum by (service, le) (rate(dbarch_client_query_duration_seconds_bucket[5m])))`;
const hitRate = (column: string) => `sum by (${perServer}, database) (rate(dbarch_pg_stat_database_${column}_total[5m]))`;

/**
 * Where each catalogue metric comes from. Metrics absent here (gateway error rate, slow queries, disk utilization)
 * have no source yet: the exporter does not export them and `dbarch monitoring rules` skips rules on them, saying so,
 * rather than writing an alert that can never fire.
 */
export const metricSources: Readonly<Partial<Record<MetricName, MetricSource>>> = {
  pg_stat_database: { collector: 'pg_stat_database' },
  pg_stat_statements: { collector: 'pg_stat_statements' },
  pg_stat_replication: { collector: 'pg_stat_replication' },
  pg_stat_activity: { collector: 'pg_stat_activity' },
  pg_stat_bgwriter: { collector: 'pg_stat_bgwriter' },
  pg_locks: { collector: 'pg_locks' },
  // Either end's measure: the primary's pg_stat_replication, and a listed standby's own replay delay.
  replication_lag: { collector: 'pg_stat_replication', promql: 'max by (cluster) (dbarch_pg_stat_replication_replay_lag_seconds or dbarch_pg_replica_replay_delay_seconds)' },
  replication_slots: { collector: 'replication_slots' },
  replication_slot_retained_bytes: { collector: 'replication_slots', promql: `max by (${perServer}, slot) (dbarch_pg_replication_slot_retained_bytes)` },
  wal_archive_lag: { collector: 'wal_archiving', promql: `max by (${perServer}) (dbarch_pg_wal_archive_oldest_pending_seconds)` },
  replication_lag_bytes: { collector: 'pg_stat_replication', promql: 'max by (cluster) (dbarch_pg_stat_replication_replay_lag_bytes or dbarch_pg_replica_receive_replay_lag_bytes)' },
  connection_count: { collector: 'pg_stat_activity', promql: `sum by (${perServer}) (dbarch_pg_stat_activity_connections)` },
  buffer_cache_hit_ratio: { collector: 'pg_stat_database', promql: `100 * ${hitRate('blks_hit')} / (${hitRate('blks_hit')} + ${hitRate('blks_read')})` },
  disk_usage: { collector: 'disk_usage', promql: 'max by (cluster, database) (dbarch_pg_database_size_bytes)' },
  wal_size: { collector: 'disk_usage', promql: `max by (${perServer}) (dbarch_pg_wal_size_bytes)` },
  deadlocks: { collector: 'pg_stat_database', promql: `sum by (${perServer}, database) (increase(dbarch_pg_stat_database_deadlocks_total[5m]))` },
  lock_waits: { collector: 'pg_locks', promql: `sum by (${perServer}, database) (dbarch_pg_lock_waiting_sessions)` },
  // The data plane's pools and latencies (gateway/client/ClientMetrics.ts), per service: the highest endpoint.
  pool_utilization: { promql: `100 * max by (service) (${pool('active')} / ${pool('max')})` },
  pool_waiting: { promql: `max by (service) (${pool('waiting')})` },
  query_latency_p50: { promql: latency(0.5) },
  query_latency_p95: { promql: latency(0.95) },
  query_latency_p99: { promql: latency(0.99) },
  query_throughput: { promql: 'sum by (service) (rate(dbarch_client_query_duration_seconds_count[5m]))' },
  // The cache library's own counters (gateway/cache/CacheMetrics.ts), served where the application serves /metrics.
  cache_stats: {},
  cache_hit_ratio: { promql: `100 * sum by (prefix) (rate(dbarch_cache_lookups_total{result="hit"}[5m])) / sum by (prefix) (rate(dbarch_cache_lookups_total{result=~"hit|miss"}[5m]))` },
  // The exporter's platform sources: RabbitMQ's queues, the outbox table, the backup store.
  queue_stats: { source: 'queue_stats' },
  queue_depth: { source: 'queue_stats', promql: 'max by (queue) (dbarch_queue_messages)' },
  outbox_backlog: { source: 'outbox', promql: 'sum by (database) (dbarch_outbox_backlog_events)' },
  backup_stats: { source: 'backup_stats' },
  backup_age: { source: 'backup_stats', promql: 'time() - max by (cluster) (dbarch_backup_last_success_timestamp_seconds)' },
};
