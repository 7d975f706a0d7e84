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
    const sizes = await session.query<{ datname: string; bytes: string }>(
      `SELECT datname, pg_database_size(oid) AS bytes FROM pg_database WHERE datname = ANY($1)`,
      [session.databases],
    );
    const [wal] = await session.query<{ bytes: string; files: number }>(`SELECT coalesce(sum(size), 0) AS bytes, count(*)::int AS files FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$'`);
    const [temp] = await session.query<{ bytes: string; files: number }>(`SELECT coalesce(sum(size), 0) AS bytes, count(*)::int AS files FROM pg_ls_tmpdir()`);
    return [
      ...sizes.flatMap((row) => metricSample(databaseSize, { database: row.datname }, row.bytes)),
      ...metricSample(walSize, {}, wal?.bytes),
      ...metricSample(walSegments, {}, wal?.files),
      ...metricSample(tempSize, {}, temp?.bytes),
      ...metricSample(tempFiles, {}, temp?.files),
    ];
  },
};
