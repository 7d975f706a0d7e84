import type { WalArchiveConfig } from '../wal/WalArchiveConfig.ts';
import type { RecoveryTargetInput } from './parseRecoveryTarget.ts';

/**
 * A point-in-time restore as plain JSON (the restore workflow's input, small enough for the Temporal UI's Start
 * Workflow form). References stay references (`${BACKUP_DESTINATION}`, `${BACKUP_KEY}`): the worker resolves them.
 */
export interface RestoreRequestInput {
  /** The spec's cluster name, for ids and messages. */
  readonly cluster: string;
  /** base_backups.destination. */
  readonly backupDestination: string;
  /** base_backups.encryption_key when encryption is aes-256. */
  readonly backupKeyReference?: string;
  /** wal_archiving as wal-fetch reads it. */
  readonly wal: WalArchiveConfig;
  /** At most one of targetTime, targetLsn, targetXid, targetName; none replays the whole archive. */
  readonly target: RecoveryTargetInput;
  /** point_in_time_recovery.recovery_window in ms. */
  readonly recoveryWindowMs?: number;
  readonly targetDir: string;
  readonly port: number;
  readonly host?: string;
  readonly overExisting?: boolean;
  readonly countTables?: readonly string[];
  readonly settings?: Readonly<Record<string, string>>;
  readonly promotionTimeoutMs?: number;
}
