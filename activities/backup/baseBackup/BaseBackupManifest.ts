import type { CompressionAlgorithm } from '../compression/Compression.ts';
import type { WrappedKey } from '../crypto/WrappedKey.ts';

/** One file of the data directory, as PostgreSQL's backup_manifest lists it (inside the backup's tar). */
export interface BaseBackupFile {
  readonly path: string;
  readonly size: number;
  /** SHA256, hex (pg_basebackup --manifest-checksums=SHA256). */
  readonly sha256: string;
}

/** An object of the backup in the store, as written (compressed, then encrypted). */
export interface BaseBackupObject {
  readonly key: string;
  /** What it holds: today the data directory as one tar stream. */
  readonly role: 'base.tar';
  readonly storedBytes: number;
  /** SHA-256 of the stored bytes: a cheap whole-object check (verify --quick, cross-region copies). */
  readonly sha256: string;
  /** Bytes of the tar before compression (pg_basebackup's count, to the KiB). */
  readonly tarBytes: number;
}

/**
 * What makes a base backup complete: `<backupId>/backup.json`, written last and only if absent, so its presence
 * means every object it names was fully written and its absence means the backup is not listed at all. The data
 * objects live under `<backupId>/<attempt>/`, so a retried or concurrent attempt never overwrites one that won.
 */
export interface BaseBackupManifest {
  readonly formatVersion: 1;
  readonly kind: 'base';
  readonly backupId: string;
  readonly cluster: string;
  readonly attempt: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly serverVersion: string;
  readonly serverVersionNum: number;
  readonly systemIdentifier: string;
  readonly timeline: number;
  /** WAL range the restore needs (backup_manifest's WAL-Ranges): replay must reach stopLsn to be consistent. */
  readonly startLsn: string;
  readonly stopLsn: string;
  /** The WAL segments from startLsn to stopLsn are inside the tar (pg_basebackup -X fetch): it restores alone. */
  readonly walIncluded: boolean;
  readonly compression: { readonly algorithm: CompressionAlgorithm; readonly level: number };
  readonly encryption: null | {
    readonly algorithm: 'aes-256-gcm-chunked';
    readonly chunkSize: number;
    /** The per-backup data key, wrapped by the master key named in it. */
    readonly wrappedKey: WrappedKey;
  };
  readonly objects: readonly BaseBackupObject[];
  /** bytes: the tar (data directory and included WAL) before compression; storedBytes: what the store holds. */
  readonly totals: { readonly bytes: number; readonly storedBytes: number };
  /**
   * Where per-file sizes and SHA256 checksums are: PostgreSQL's backup_manifest, the last member of the tar (so
   * authenticated by the encryption, and itself checksummed). Older manifests listed `files` here.
   */
  readonly fileChecksums?: 'backup_manifest';
  readonly files?: readonly BaseBackupFile[];
  /** HMAC-SHA256 of the rest of the manifest under the data key (encrypted backups): a changed manifest is refused. */
  readonly mac?: string;
}

/** Where a backup's pieces are, relative to the destination. */
export const manifestKey = (backupId: string) => `${backupId}/backup.json`;
