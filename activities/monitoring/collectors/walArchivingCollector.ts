import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const families = {
  archived: { name: 'dbarch_pg_stat_archiver_archived_total', type: 'counter', help: 'WAL files archive_command archived (pg_stat_archiver.archived_count).', labels: [] },
  failed: { name: 'dbarch_pg_stat_archiver_failed_total', type: 'counter', help: 'Failed archive_command attempts (pg_stat_archiver.failed_count).', labels: [] },
  pending: { name: 'dbarch_pg_wal_archive_pending_files', type: 'gauge', help: 'WAL files waiting for archive_command (.ready in archive_status).', labels: [] },
  oldest: {
    name: 'dbarch_pg_wal_archive_oldest_pending_seconds',
    type: 'gauge',
    help: 'Age of the oldest WAL file waiting for archive_command (0 when none waits): how much recent history a lost primary would take with it.',
    labels: [],
  },
} as const satisfies Record<string, MetricFamily>;

/**
 * WAL archiving on a primary (the backup capability's archive_command, `dbarch wal-push`): counts from
 * pg_stat_archiver and, from the archive_status directory, how many files wait and for how long. A standby does
 * not archive (archive_mode=on), so it exports nothing here. Reading archive_status needs superuser or pg_monitor.
 */
export const walArchivingCollector: Collector = {
  name: 'wal_archiving',
  families: Object.values(families),
  async collect(session) {
    if (session.inRecovery) return [];
    const [row] = await session.query<{ archived: unknown; failed: unknown; pending: unknown; oldest: unknown }>(
      `SELECT a.archived_count AS archived, a.failed_count AS failed, s.pending,
              CASE WHEN s.pending = 0 THEN 0 ELSE extract(epoch FROM clock_timestamp() - s.oldest)::float8 END AS oldest
         FROM pg_stat_archiver a,
              (SELECT count(*) AS pending, min(modification) AS oldest FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready') s`,
    );
    if (row === undefined) return [];
    return Object.entries(families).flatMap(([column, family]) => metricSample(family, {}, row[column as keyof typeof families]));
  },
};
