import { DbarchError } from '../../../errors/DbarchError.ts';
import { formatLsn } from '../wal/Lsn.ts';
import type { RecoveryTarget } from './RecoveryTarget.ts';
import type { RestorableBackup } from './RestorableBackup.ts';

/**
 * The base backup to restore for a target, checked before anything is touched: the newest backup that was
 * consistent at or before the target (so replay starts as late as possible). A time outside the recovery window
 * (or in the future) is DBA_RESTORE_TARGET_OUTSIDE_WINDOW; a time or LSN before the oldest backup's consistent
 * point is DBA_RESTORE_TARGET_BEFORE_BACKUPS. An xid or a restore point name cannot be placed without reading WAL:
 * replay starts from the oldest backup of the window (the newest one consistent before the window opened), which
 * reaches every target inside it.
 */
export function chooseBaseBackup(target: RecoveryTarget, backups: readonly RestorableBackup[], now: Date, recoveryWindowMs?: number): RestorableBackup {
  const byAge = [...backups].sort((a, b) => a.stopTime.getTime() - b.stopTime.getTime());
  const oldest = byAge[0];
  const newest = byAge.at(-1);
  if (oldest === undefined || newest === undefined) throw new DbarchError('DBA_RESTORE_NO_BACKUP', 'no complete base backup exists to restore from');
  const windowStart = recoveryWindowMs === undefined ? undefined : new Date(now.getTime() - recoveryWindowMs);
  const windowBase = windowStart === undefined ? oldest : (byAge.filter((backup) => backup.stopTime <= windowStart).at(-1) ?? oldest);
  const reach = { oldestBackup: oldest.id, oldestConsistentTime: oldest.stopTime.toISOString(), oldestConsistentLsn: formatLsn(oldest.stopLsn), ...(windowStart ? { windowStart: windowStart.toISOString() } : {}), now: now.toISOString() };

  switch (target.kind) {
    case 'latest':
      return newest;
    case 'time': {
      if (target.time > now || (windowStart !== undefined && target.time < windowStart)) {
        throw new DbarchError('DBA_RESTORE_TARGET_OUTSIDE_WINDOW', `target time ${target.time.toISOString()} is outside the recovery window ${windowStart?.toISOString() ?? '(any past time)'} to ${now.toISOString()}`, { details: reach });
      }
      const chosen = byAge.filter((backup) => backup.stopTime <= target.time).at(-1);
      if (chosen === undefined) {
        throw new DbarchError('DBA_RESTORE_TARGET_BEFORE_BACKUPS', `target time ${target.time.toISOString()} is before the oldest backup's consistent point ${oldest.stopTime.toISOString()}`, { details: reach });
      }
      return chosen;
    }
    case 'lsn': {
      const chosen = [...backups].sort((a, b) => (a.stopLsn < b.stopLsn ? -1 : a.stopLsn > b.stopLsn ? 1 : 0)).filter((backup) => backup.stopLsn <= target.lsn).at(-1);
      if (chosen === undefined) {
        throw new DbarchError('DBA_RESTORE_TARGET_BEFORE_BACKUPS', `target LSN ${formatLsn(target.lsn)} is before the oldest backup's consistent point ${formatLsn(oldest.stopLsn)}`, { details: reach });
      }
      // A position before the window's base was written before the window opened.
      if (windowStart !== undefined && target.lsn < windowBase.stopLsn) {
        throw new DbarchError('DBA_RESTORE_TARGET_OUTSIDE_WINDOW', `target LSN ${formatLsn(target.lsn)} was written before the recovery window opened (${windowStart.toISOString()})`, { details: reach });
      }
      return chosen;
    }
    case 'xid':
    case 'name':
      return windowBase;
  }
}
