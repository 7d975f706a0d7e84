import { listBaseBackups } from '../../backup/baseBackup/listBaseBackups.ts';
import type { ObjectStore } from '../../backup/store/ObjectStore.ts';
import { walPrefix } from '../../backup/wal/walObjectKey.ts';
import type { MetricFamily, MetricSample } from '../Collector.ts';
import type { PlatformSource } from '../PlatformSource.ts';

const families = {
  walBehind: { name: 'dbarch_backup_copy_wal_files_behind', type: 'gauge', help: 'Archived WAL files the cross-region copy lacks.', labels: ['cluster'] },
  walLag: {
    name: 'dbarch_backup_copy_wal_lag_seconds',
    type: 'gauge',
    help: 'Age of the oldest archived WAL file the cross-region copy lacks (0 when it lacks none): the copy region\'s recovery point lag.',
    labels: ['cluster'],
  },
  backupsBehind: { name: 'dbarch_backup_copy_base_backups_behind', type: 'gauge', help: 'Complete base backups the cross-region copy lacks.', labels: ['cluster'] },
} as const satisfies Record<string, MetricFamily>;

/**
 * How far cross_region_replication's copy trails the primary destinations: WAL files and base backups it lacks,
 * and the age of the oldest missing WAL file. From listings of both sides, reused for `refreshMs` like
 * baseBackupSource (a listing costs more than a scrape should).
 */
export function crossRegionCopySource(
  cluster: string,
  stores: { readonly wal?: ObjectStore; readonly backups: ObjectStore; readonly copy: ObjectStore },
  refreshMs = 60_000,
  now: () => number = Date.now,
): PlatformSource {
  let cached: { at: number; samples: readonly MetricSample[] } | undefined;
  return {
    name: 'backup_copy',
    families: Object.values(families),
    async collect() {
      if (cached !== undefined && performance.now() - cached.at < refreshMs) return cached.samples;
      const labels = { cluster };
      const [backups, copied] = await Promise.all([listBaseBackups(stores.backups), listBaseBackups(stores.copy)]);
      const have = new Set(copied.map((b) => b.backupId));
      const samples: MetricSample[] = [{ family: families.backupsBehind, labels, value: backups.filter((b) => !have.has(b.backupId)).length }];
      if (stores.wal !== undefined) {
        const [archived, there] = await Promise.all([stores.wal.list(walPrefix), stores.copy.list(walPrefix)]);
        const present = new Set(there.map((o) => o.key));
        const missing = archived.filter((o) => !present.has(o.key));
        const oldest = Math.min(...missing.map((o) => o.lastModified.getTime()));
        samples.push(
          { family: families.walBehind, labels, value: missing.length },
          { family: families.walLag, labels, value: missing.length === 0 ? 0 : Math.max(0, (now() - oldest) / 1000) },
        );
      }
      cached = { at: performance.now(), samples };
      return samples;
    },
  };
}
