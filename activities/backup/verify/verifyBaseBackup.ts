import { openBaseBackup } from '../baseBackup/openBaseBackup.ts';
import { readBaseBackup, type ReadProgress } from '../baseBackup/readBaseBackup.ts';
import type { KeyProvider } from '../crypto/KeyProvider.ts';
import type { S3Settings } from '../store/S3Settings.ts';
import { openObjectStore } from '../store/openObjectStore.ts';

export interface VerifyRequest {
  readonly destination: string;
  readonly backupId: string;
  readonly keyProvider?: KeyProvider;
  readonly s3?: S3Settings;
}

export interface VerifyReport {
  readonly backupId: string;
  readonly ok: true;
  readonly objects: number;
  readonly files: number;
  readonly bytes: number;
  readonly storedBytes: number;
  readonly startLsn: string;
  readonly stopLsn: string;
}

/**
 * `dbarch backup verify`: reads the whole backup and checks everything without writing a byte anywhere: the
 * key and the manifest's mac, each object's size and SHA-256, every chunk's tag, and every file's size and SHA256
 * against PostgreSQL's backup_manifest. It throws the first problem with its code (DBA_BACKUP_KEY_WRONG,
 * DBA_BACKUP_CHUNK_TAMPERED, DBA_BACKUP_TRUNCATED, DBA_BACKUP_CHECKSUM_MISMATCH, DBA_BACKUP_OBJECT_MISSING, …).
 */
export async function verifyBaseBackup(request: VerifyRequest, execution: { signal: AbortSignal; progress?: (p: ReadProgress) => void }): Promise<VerifyReport> {
  const store = openObjectStore(request.destination, request.s3);
  const opened = await openBaseBackup(store, request.backupId, request.keyProvider);
  const ignore = () => undefined;
  const read = await readBaseBackup(store, opened, { entry: ignore, data: ignore, entryEnd: ignore }, execution);
  return {
    backupId: request.backupId,
    ok: true,
    objects: opened.manifest.objects.length,
    ...read,
    startLsn: opened.manifest.startLsn,
    stopLsn: opened.manifest.stopLsn,
  };
}
