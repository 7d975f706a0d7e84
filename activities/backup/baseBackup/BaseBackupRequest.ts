import type { Compression } from '../compression/Compression.ts';
import type { KeyProvider } from '../crypto/KeyProvider.ts';
import type { S3Settings } from '../store/S3Settings.ts';

export interface BaseBackupRequest {
  /** The cluster's name in the spec, recorded in the manifest. */
  readonly cluster: string;
  /** Connection URL of the primary, for a role with REPLICATION (pg_basebackup) and pg_control_system(). */
  readonly connectionUrl: string;
  /** Resolved destination URL (file:// or s3://): base_backups.destination. */
  readonly destination: string;
  /** Names the backup: a Temporal workflow's scheduled time, or a retried step's stable key. */
  readonly backupId: string;
  readonly compression: Compression;
  /** Absent: not encrypted (base_backups.encryption none). */
  readonly keyProvider?: KeyProvider;
  readonly chunkSize?: number;
  /** pg_basebackup --max-rate (e.g. `50M`): caps the read rate on a busy primary. */
  readonly maxRate?: string;
  /** Directory of pg_basebackup (DBARCH_PG_BINDIR); PATH otherwise. */
  readonly pgBinDir?: string;
  readonly s3?: S3Settings;
}

/** What a running backup reports: heartbeat details, the CLI's progress line and the workflow's status. */
export interface BaseBackupProgress {
  readonly phase: 'streaming' | 'writing-manifest' | 'complete';
  readonly backupId: string;
  readonly attempt: string;
  /** Bytes of the tar read from the server so far, and pg_basebackup's estimate of the total. */
  readonly tarBytes: number;
  readonly estimatedBytes?: number;
  readonly storedBytes: number;
}
