import type { Lsn } from '../wal/Lsn.ts';

/** What choosing a base backup for a restore needs to know of one complete backup (read from its manifest). */
export interface RestorableBackup {
  readonly id: string;
  readonly timeline: number;
  readonly startLsn: Lsn;
  /** The backup is consistent once recovery reached this position... */
  readonly stopLsn: Lsn;
  /** ...which was written at or before this time (pg_backup_stop's return). */
  readonly stopTime: Date;
}
