import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import { decodeWalObject } from '../wal/WalObjectHeader.ts';
import { walPrefix } from '../wal/walObjectKey.ts';

export interface CopiedWalArchive {
  /** WAL files written to the copy in this run. */
  readonly copied: number;
  readonly copiedBytes: number;
  /** WAL files the copy held already. */
  readonly present: number;
  /** The newest WAL file at the copy after this run (the end of what a restore from the copy can replay). */
  readonly newest: string | null;
  /**
   * How far the copy trailed when this run began: the age of the oldest WAL file it lacked (0 when it lacked none).
   * With copies run on a schedule, this is the copy region's recovery point lag.
   */
  readonly lagSeconds: number;
}

/**
 * Copies the WAL archive to a second destination (cross_region_replication), object by object as stored (still
 * compressed and encrypted, each under its own wrapped data key), so the copy restores with the same keys. Files
 * the copy has with the same stored size are skipped (reading each back would cost a full read of the copy per
 * run); a file is written only if absent, and a name the copy holds with other content is DBA_WAL_SEGMENT_CONFLICT,
 * never overwritten. Oldest first, so a copy cut short is a gapless prefix.
 */
export async function copyWalArchive(
  source: ObjectStore,
  target: ObjectStore,
  execution: { signal: AbortSignal; progress?: (progress: { copied: number; pending: number }) => void; now?: () => Date },
): Promise<CopiedWalArchive> {
  const now = (execution.now ?? (() => new Date()))();
  const [archived, there] = await Promise.all([source.list(walPrefix), target.list(walPrefix)]);
  const present = new Map(there.map((object) => [object.key, object.size]));
  const missing = archived.filter((object) => present.get(object.key) !== object.size);
  const lagSeconds = missing.length === 0 ? 0 : Math.max(0, (now.getTime() - Math.min(...missing.map((o) => o.lastModified.getTime()))) / 1000);
  let copied = 0;
  let copiedBytes = 0;
  // Names whose stored size differed but that the copy holds with the same WAL content (encrypted anew).
  let sameContent = 0;
  for (const object of missing) {
    execution.signal.throwIfAborted();
    const bytes = await source.getBytes(object.key, { signal: execution.signal });
    try {
      await target.put(object.key, bytes, { ifAbsent: true, signal: execution.signal });
      copied++;
      copiedBytes += bytes.length;
    } catch (error) {
      if (!isDbarchError(error) || error.code !== 'DBA_BACKUP_OBJECT_EXISTS') throw error;
      refuseOtherContent(object.key, bytes, await target.getBytes(object.key), target.destination);
      sameContent++;
    }
    execution.progress?.({ copied, pending: missing.length - copied });
  }
  return { copied, copiedBytes, present: archived.length - missing.length + sameContent, newest: (archived.at(-1)?.key ?? there.at(-1)?.key)?.slice(walPrefix.length) ?? null, lagSeconds };
}

/** The copy holds the name with other bytes: the same WAL file (same checksum, another encryption) is fine. */
function refuseOtherContent(key: string, ours: Buffer, theirs: Buffer, destination: string): void {
  const name = key.slice(walPrefix.length);
  const a = decodeWalObject(ours, name).header;
  const b = decodeWalObject(theirs, name).header;
  if (a.sha256 === b.sha256 && a.size === b.size) return;
  throw new DbarchError('DBA_WAL_SEGMENT_CONFLICT', `${name} is in ${destination} with other content; the copy is left as it is`, {
    details: { segment: name, destination, archivedSha256: a.sha256, copySha256: b.sha256 },
  });
}
