import type { Collector, MetricFamily } from '../Collector.ts';
import { metricSample } from '../metricSample.ts';

const databaseSize: MetricFamily = { name: 'dbarch_pg_database_size_bytes', type: 'gauge', help: 'Disk space used by the database (pg_database_size).', labels: ['database'] };
const walSize: MetricFamily = { name: 'dbarch_pg_wal_size_bytes', type: 'gauge', help: 'Size of the WAL files in pg_wal (pg_ls_waldir).', labels: [] };
const walSegments: MetricFamily = { name: 'dbarch_pg_wal_segments', type: 'gauge', help: 'WAL segment files in pg_wal.', labels: [] };
const tempSize: MetricFamily = { name: 'dbarch_pg_temp_files_size_bytes', type: 'gauge', help: 'Size of the temporary files on disk now, default tablespace (pg_ls_tmpdir).', labels: [] };
const tempFiles: MetricFamily = { name: 'dbarch_pg_temp_files', type: 'gauge', help: 'Temporary files on disk now, default tablespace.', labels: [] };

/** Disk usage: each database's size, the WAL directory and the temporary files (pg_monitor or superuser needed). */
export const diskUsageCollector: Collector = {
  name: 'disk_usage',
  families: [databaseSize, walSize, walSegments, tempSize, tempFiles],
  async collect(session) {
    const [row] = await session.query<{ sizes: Record<string, number>; wal_bytes: string; wal_files: number; temp_bytes: string; temp_files: number }>(
      `SELECT (SELECT coalesce(json_object_agg(datname, pg_database_size(oid)), '{}') FROM pg_database WHERE datname = ANY($1)) AS sizes,
              wal.bytes AS wal_bytes, wal.files AS wal_files, temp.bytes AS temp_bytes, temp.files AS temp_files
         FROM (SELECT coalesce(sum(size), 0) AS bytes, count(*)::int AS files FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$') wal,
              (SELECT coalesce(sum(size), 0) AS bytes, count(*)::int AS files FROM pg_ls_tmpdir()) temp`,
      [session.databases],
    );
    if (row === undefined) return [];
    return [
      ...Object.entries(row.sizes).flatMap(([database, bytes]) => metricSample(databaseSize, { database }, bytes)),
      ...metricSample(walSize, {}, row.wal_bytes),
      ...metricSample(walSegments, {}, row.wal_files),
      ...metricSample(tempSize, {}, row.temp_bytes),
      ...metricSample(tempFiles, {}, row.temp_files),
    ];
  },
};
