import { listBaseBackups } from '../baseBackup/listBaseBackups.ts';
import { manifestKey } from '../baseBackup/BaseBackupManifest.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import { parseLsn } from '../wal/Lsn.ts';
import { defaultWalSegmentSize, segmentOfLsn } from '../wal/WalFileName.ts';
import { walObjectKey, walPrefix } from '../wal/walObjectKey.ts';
import { planRetention, type RetentionPlan, type RetentionPolicy } from './planRetention.ts';

export interface RetentionOutcome extends RetentionPlan {
  readonly applied: boolean;
  readonly deletedObjects: number;
}

/**
 * Retention against the stores: plans from the manifests and the WAL listing (planRetention), then, unless it is
 * a dry run, removes each expired backup manifest first (from then on it is no longer listed, so a half-removed
 * backup is never taken for a complete one) and then its data, and the WAL files nothing needs. Idempotent:
 * a second run finds nothing more to remove.
 */
export async function applyRetention(backups: ObjectStore, wal: ObjectStore, policy: RetentionPolicy, options: { dryRun?: boolean; now?: Date; segmentSize?: number } = {}): Promise<RetentionOutcome> {
  const segmentSize = options.segmentSize ?? defaultWalSegmentSize;
  const manifests = await listBaseBackups(backups);
  const walObjects = await wal.list(walPrefix);
  const plan = planRetention(
    manifests.map((m) => ({ id: m.backupId, stopTime: new Date(m.finishedAt), timeline: m.timeline, startSegment: segmentOfLsn(parseLsn(m.startLsn) ?? 0n, segmentSize), stopSegment: segmentOfLsn(parseLsn(m.stopLsn) ?? 0n, segmentSize) })),
    walObjects.map((object) => ({ name: object.key.slice(walPrefix.length), archivedAt: object.lastModified })),
    policy,
    options.now ?? new Date(),
    segmentSize,
  );
  if (options.dryRun === true) return { ...plan, applied: false, deletedObjects: 0 };
  let deletedObjects = 0;
  for (const { id } of plan.expiredBackups) {
    await backups.delete(manifestKey(id));
    deletedObjects++;
    for (const object of await backups.list(`${id}/`)) {
      await backups.delete(object.key);
      deletedObjects++;
    }
  }
  for (const name of plan.deletedWal) {
    await wal.delete(walObjectKey(name));
    deletedObjects++;
  }
  return { ...plan, applied: true, deletedObjects };
}
