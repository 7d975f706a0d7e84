/**
 * The metric groups the exporter has a source for, in scrape order. Pools are the data plane's own figures (its
 * /metrics); cache, queue and base-backup figures have no collector yet, so their families are absent.
 */
export const collectorNames = ['pg_stat_database', 'pg_stat_activity', 'pg_locks', 'pg_stat_bgwriter', 'pg_stat_replication', 'replication_slots', 'wal_archiving', 'disk_usage', 'pg_stat_statements'] as const;

export type CollectorName = (typeof collectorNames)[number];
