import { DbarchError } from '../../../errors/DbarchError.ts';
import type { BaseBackupFile } from './BaseBackupManifest.ts';

/** What dbarch reads from PostgreSQL's backup_manifest (the JSON pg_basebackup puts in the tar). */
export interface PgBackupManifest {
  readonly files: readonly BaseBackupFile[];
  readonly timeline: number;
  readonly startLsn: string;
  readonly stopLsn: string;
}

interface RawManifest {
  'PostgreSQL-Backup-Manifest-Version'?: number;
  Files?: { Path?: string; 'Encoded-Path'?: string; Size?: number; 'Checksum-Algorithm'?: string; Checksum?: string }[];
  'WAL-Ranges'?: { Timeline?: number; 'Start-LSN'?: string; 'End-LSN'?: string }[];
}

/** Parses backup_manifest; anything unexpected (no SHA256 checksums, no WAL range) is DBA_BACKUP_MANIFEST_INVALID. */
export function parsePgBackupManifest(text: string): PgBackupManifest {
  let raw: RawManifest;
  try {
    raw = JSON.parse(text) as RawManifest;
  } catch (cause) {
    throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', 'backup_manifest in the base backup is not JSON', { cause });
  }
  const files: BaseBackupFile[] = [];
  for (const file of raw.Files ?? []) {
    const path = file.Path ?? (file['Encoded-Path'] ? Buffer.from(file['Encoded-Path'], 'hex').toString('utf8') : undefined);
    if (path === undefined || typeof file.Size !== 'number' || file['Checksum-Algorithm'] !== 'SHA256' || typeof file.Checksum !== 'string') {
      throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', `backup_manifest lists a file without a size or SHA256 checksum (${path ?? '?'})`);
    }
    files.push({ path, size: file.Size, sha256: file.Checksum });
  }
  const ranges = raw['WAL-Ranges'] ?? [];
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  if (!first?.['Start-LSN'] || !last?.['End-LSN'] || typeof last.Timeline !== 'number') {
    throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', 'backup_manifest has no WAL range');
  }
  return { files, timeline: last.Timeline, startLsn: first['Start-LSN'], stopLsn: last['End-LSN'] };
}
