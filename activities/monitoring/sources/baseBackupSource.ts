import { listBaseBackups } from '../../backup/baseBackup/listBaseBackups.ts';
import type { ObjectStore } from '../../backup/store/ObjectStore.ts';
import type { MetricFamily, MetricSample } from '../Collector.ts';
import type { PlatformSource } from '../PlatformSource.ts';

const families = {
  last: { name: 'dbarch_backup_last_success_timestamp_seconds', type: 'gauge', help: 'When the newest complete base backup finished (Unix time).', labels: ['cluster'] },
  size: { name: 'dbarch_backup_last_size_bytes', type: 'gauge', help: 'What the store holds for the newest complete base backup.', labels: ['cluster'] },
  duration: { name: 'dbarch_backup_last_duration_seconds', type: 'gauge', help: 'How long the newest complete base backup took.', labels: ['cluster'] },
  count: { name: 'dbarch_backup_complete_count', type: 'gauge', help: 'Complete base backups at the destination (those with a manifest).', labels: ['cluster'] },
  stored: { name: 'dbarch_backup_stored_bytes', type: 'gauge', help: 'What the store holds for all complete base backups.', labels: ['cluster'] },
} as const satisfies Record<string, MetricFamily>;

/**
 * The base backups of a cluster at its destination, from their manifests (a backup without one never completed).
 * Listing an object store costs more than a scrape should, and backups are hours apart, so a listing is reused for
 * `refreshMs`; the age alert (`backup_age`) is computed by Prometheus from the timestamp, so it stays exact.
 */
export function baseBackupSource(cluster: string, store: ObjectStore, refreshMs = 60_000): PlatformSource {
  let cached: { at: number; samples: readonly MetricSample[] } | undefined;
  return {
    name: 'backup_stats',
    families: Object.values(families),
    async collect() {
      if (cached !== undefined && performance.now() - cached.at < refreshMs) return cached.samples;
      const backups = await listBaseBackups(store);
      const labels = { cluster };
      const newest = backups.at(-1);
      const samples: MetricSample[] = [
        { family: families.count, labels, value: backups.length },
        { family: families.stored, labels, value: backups.reduce((sum, b) => sum + b.totals.storedBytes, 0) },
      ];
      if (newest !== undefined) {
        const finished = Date.parse(newest.finishedAt);
        samples.push(
          { family: families.last, labels, value: finished / 1000 },
          { family: families.size, labels, value: newest.totals.storedBytes },
          { family: families.duration, labels, value: Math.max(0, finished - Date.parse(newest.startedAt)) / 1000 },
        );
      }
      cached = { at: performance.now(), samples };
      return samples;
    },
  };
}
