/**
 * The metric groups the exporter has a source for, in scrape order. Pools, cache, queue and backup figures are
 * not here: their sources (the data plane, CDC, backups) are not built yet, so their families are absent.
 */
export const collectorNames = ['pg_stat_database', 'pg_stat_activity', 'pg_locks', 'pg_stat_bgwriter', 'pg_stat_replication', 'disk_usage', 'pg_stat_statements'] as const;

export type CollectorName = (typeof collectorNames)[number];
