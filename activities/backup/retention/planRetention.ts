import { defaultWalSegmentSize, parseWalFileName } from '../wal/WalFileName.ts';

/** What retention needs to know of one complete base backup (from its manifest). */
export interface RetentionBackup {
  readonly id: string;
  /** When the backup became consistent (its stop time): the earliest point it can be restored to. */
  readonly stopTime: Date;
  readonly timeline: number;
  /** Segment numbers (see WalFileName) of the backup's start and stop LSN: the WAL it needs to be consistent. */
  readonly startSegment: bigint;
  readonly stopSegment: bigint;
}

/** One file of the WAL archive, by name and the time it was archived. */
export interface ArchivedWalFile {
  readonly name: string;
  readonly archivedAt: Date;
}

export interface RetentionPolicy {
  /** base_backups.retention. */
  readonly backupRetentionMs: number;
  /** wal_archiving.retention: WAL no backup needs is kept this long (removed at once when absent). */
  readonly walRetentionMs?: number;
  /** point_in_time_recovery.recovery_window when PITR is enabled. */
  readonly recoveryWindowMs?: number;
}

export interface RetentionPlan {
  readonly keptBackups: readonly string[];
  readonly expiredBackups: readonly { readonly id: string; readonly stopTime: Date }[];
  readonly deletedWal: readonly string[];
  readonly keptWal: number;
  /** Why the oldest kept backup is kept although expired, if it is (the newest one, or the PITR window's base). */
  readonly retainedPastExpiry: readonly { readonly id: string; readonly reason: 'newest' | 'recovery-window' }[];
}

/**
 * Decides what retention removes, from names and ages only (no I/O, so it is tested with synthetic ages).
 *
 * Backups older than the backup retention expire, except the newest one (a cluster always keeps one) and the
 * newest one that became consistent before the recovery window opened: restoring to the window's first moment
 * replays from it. A WAL file is needed by a kept backup (its start to stop segment), by the recovery window
 * (everything from the window base's start segment on, on its timeline and later ones) and by the newest backup
 * (everything after its start, so it restores to the latest point); history files are always needed. WAL that
 * nothing needs is removed once older than the WAL retention.
 */
export function planRetention(backups: readonly RetentionBackup[], wal: readonly ArchivedWalFile[], policy: RetentionPolicy, now: Date, segmentSize = defaultWalSegmentSize): RetentionPlan {
  const byAge = [...backups].sort((a, b) => a.stopTime.getTime() - b.stopTime.getTime());
  const newest = byAge.at(-1);
  const windowStart = policy.recoveryWindowMs === undefined ? undefined : now.getTime() - policy.recoveryWindowMs;
  const windowBase = windowStart === undefined ? undefined : (byAge.filter((backup) => backup.stopTime.getTime() <= windowStart).at(-1) ?? byAge[0]);

  const kept: RetentionBackup[] = [];
  const expired: RetentionBackup[] = [];
  const retainedPastExpiry: { id: string; reason: 'newest' | 'recovery-window' }[] = [];
  for (const backup of byAge) {
    const isExpired = now.getTime() - backup.stopTime.getTime() > policy.backupRetentionMs;
    if (!isExpired) kept.push(backup);
    else if (backup === newest) {
      kept.push(backup);
      retainedPastExpiry.push({ id: backup.id, reason: 'newest' });
    } else if (backup === windowBase) {
      kept.push(backup);
      retainedPastExpiry.push({ id: backup.id, reason: 'recovery-window' });
    } else expired.push(backup);
  }

  const needed = (name: string): boolean => {
    const file = parseWalFileName(name, segmentSize);
    // Not a WAL name: not ours to judge, never removed.
    if (!file || file.kind === 'history') return true;
    const { timeline, segment } = file;
    if (kept.some((backup) => timeline === backup.timeline && segment >= backup.startSegment && segment <= backup.stopSegment)) return true;
    const followsFrom = (backup: RetentionBackup | undefined) => backup !== undefined && timeline >= backup.timeline && segment >= backup.startSegment;
    return followsFrom(windowBase) || followsFrom(newest);
  };

  const deletedWal: string[] = [];
  let keptWal = 0;
  for (const file of wal) {
    const oldEnough = policy.walRetentionMs === undefined || now.getTime() - file.archivedAt.getTime() > policy.walRetentionMs;
    if (oldEnough && !needed(file.name)) deletedWal.push(file.name);
    else keptWal++;
  }
  return {
    keptBackups: kept.map((backup) => backup.id),
    expiredBackups: expired.map(({ id, stopTime }) => ({ id, stopTime })),
    deletedWal: deletedWal.sort(),
    keptWal,
    retainedPastExpiry,
  };
}
