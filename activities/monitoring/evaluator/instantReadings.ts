import type { MetricName } from '../../../compiler/grammar/metricCatalogue.ts';

/**
 * How the built-in evaluator reads a metric from one scrape: the families' samples grouped by `by` and aggregated.
 * It is the in-process form of the metric's PromQL in metricSources, `<aggregate> by (<by>) (<a> or <b>)`;
 * instantReadingPromql renders it back and a test keeps the two equal, so both evaluators read the same figure.
 */
export interface InstantReading {
  readonly aggregate: 'max' | 'sum';
  readonly by: readonly string[];
  readonly families: readonly string[];
}

const perServer = ['cluster', 'server'];

/**
 * The metrics a single scrape answers. Those whose PromQL needs a range (rates, increases, quantiles of
 * histograms) or the data plane's figures (pools, latencies: served by the gateway's /metrics, not the exporter)
 * are absent: a rule on them is reported as skipped by the evaluator, as `dbarch monitoring rules` skips
 * rules on metrics without a source.
 */
export const instantReadings: Readonly<Partial<Record<MetricName, InstantReading>>> = {
  replication_lag: { aggregate: 'max', by: ['cluster'], families: ['dbarch_pg_stat_replication_replay_lag_seconds', 'dbarch_pg_replica_replay_delay_seconds'] },
  replication_lag_bytes: { aggregate: 'max', by: ['cluster'], families: ['dbarch_pg_stat_replication_replay_lag_bytes', 'dbarch_pg_replica_receive_replay_lag_bytes'] },
  replication_slot_retained_bytes: { aggregate: 'max', by: [...perServer, 'slot'], families: ['dbarch_pg_replication_slot_retained_bytes'] },
  wal_archive_lag: { aggregate: 'max', by: perServer, families: ['dbarch_pg_wal_archive_oldest_pending_seconds'] },
  connection_count: { aggregate: 'sum', by: perServer, families: ['dbarch_pg_stat_activity_connections'] },
  disk_usage: { aggregate: 'max', by: ['cluster', 'database'], families: ['dbarch_pg_database_size_bytes'] },
  wal_size: { aggregate: 'max', by: perServer, families: ['dbarch_pg_wal_size_bytes'] },
  lock_waits: { aggregate: 'sum', by: [...perServer, 'database'], families: ['dbarch_pg_lock_waiting_sessions'] },
};

/** The PromQL an instant reading stands for (what metricSources says for the same metric). */
export function instantReadingPromql(reading: InstantReading): string {
  return `${reading.aggregate} by (${reading.by.join(', ')}) (${reading.families.join(' or ')})`;
}
