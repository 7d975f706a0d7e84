import { DbarchError } from '../../../errors/DbarchError.ts';
import { manifestKey, type BaseBackupManifest } from '../baseBackup/BaseBackupManifest.ts';
import { hashingTap } from '../baseBackup/hashingTap.ts';
import { readBaseBackupManifest } from '../baseBackup/readBaseBackupManifest.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';

export interface CopyProgress {
  readonly backupId: string;
  readonly copiedBytes: number;
  readonly totalBytes: number;
}

export interface CopiedBaseBackup {
  readonly backupId: string;
  /** Whether the copy existed already (a retry, or a second run): nothing was copied then. */
  readonly alreadyCopied: boolean;
  readonly copiedBytes: number;
  /** How far the copy trails the backup: its completion minus the backup's finish, in seconds. */
  readonly lagSeconds: number;
}

/**
 * Copies a complete base backup to a second destination (another bucket, region or endpoint) as it is stored:
 * still encrypted, same keys, same manifest, so a restore from the copy is a restore of the backup. Objects first,
 * each checked against the manifest's SHA-256 as it streams, an object already there with the right size skipped
 * (a retry resumes), the manifest last and only if absent: the copy is listed only once complete.
 */
export async function copyBaseBackup(
  source: ObjectStore,
  target: ObjectStore,
  backupId: string,
  execution: { signal: AbortSignal; progress?: (progress: CopyProgress) => void; now?: () => Date },
): Promise<CopiedBaseBackup> {
  const manifest: BaseBackupManifest = await readBaseBackupManifest(source, backupId);
  const now = execution.now ?? (() => new Date());
  const lag = () => Math.max(0, (now().getTime() - Date.parse(manifest.finishedAt)) / 1000);
  if (await target.head(manifestKey(backupId))) return { backupId, alreadyCopied: true, copiedBytes: 0, lagSeconds: lag() };
  const totalBytes = manifest.objects.reduce((sum, o) => sum + o.storedBytes, 0);
  let copiedBytes = 0;
  for (const object of manifest.objects) {
    const there = await target.head(object.key);
    if (there?.size === object.storedBytes) {
      copiedBytes += object.storedBytes;
      continue;
    }
    const done = copiedBytes;
    const tap = hashingTap((n) => execution.progress?.({ backupId, copiedBytes: done + n, totalBytes }));
    const read = await source.get(object.key, { signal: execution.signal });
    read.once('error', (error) => tap.stream.destroy(error));
    const body = read.pipe(tap.stream);
    await target.put(object.key, body, { signal: execution.signal });
    if (tap.sha256() !== object.sha256) {
      await target.delete(object.key);
      throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `${object.key} read from ${source.destination} does not match its manifest; not copied`, { details: { object: object.key } });
    }
    copiedBytes += object.storedBytes;
  }
  try {
    await target.put(manifestKey(backupId), await source.getBytes(manifestKey(backupId)), { ifAbsent: true });
  } catch (error) {
    if (!(error instanceof DbarchError && error.code === 'DBA_BACKUP_OBJECT_EXISTS')) throw error;
  }
  return { backupId, alreadyCopied: false, copiedBytes, lagSeconds: lag() };
}
