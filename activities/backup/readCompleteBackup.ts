import { readFile, stat } from 'node:fs/promises';
import type { BackupFiles } from './backupFiles.ts';
import type { BackupManifest } from './BackupManifest.ts';
import { fileSha256 } from './fileSha256.ts';

export type BackupState =
  | { readonly kind: 'complete'; readonly manifest: BackupManifest }
  | { readonly kind: 'absent' }
  | { readonly kind: 'corrupt'; readonly reason: string };

/** Whether a backup is complete: its manifest parses and the dump it names has the recorded size and SHA-256. */
export async function readCompleteBackup(files: BackupFiles): Promise<BackupState> {
  let text: string;
  try {
    text = await readFile(files.manifest, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  let manifest: BackupManifest;
  try {
    manifest = parseManifest(JSON.parse(text));
  } catch (error) {
    return { kind: 'corrupt', reason: `manifest unreadable: ${(error as Error).message}` };
  }
  let size: number;
  try {
    size = (await stat(files.dump)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'corrupt', reason: 'dump file missing' };
    throw error;
  }
  if (size !== manifest.sizeBytes) return { kind: 'corrupt', reason: `dump is ${size} bytes, manifest says ${manifest.sizeBytes}` };
  const sha256 = await fileSha256(files.dump);
  if (sha256 !== manifest.sha256) return { kind: 'corrupt', reason: `dump SHA-256 ${sha256} differs from manifest ${manifest.sha256}` };
  return { kind: 'complete', manifest };
}

/** Checks the fields restore relies on; the manifest was written by us, so this guards against damage, not design. */
function parseManifest(value: unknown): BackupManifest {
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  const record = value as Record<string, unknown>;
  if (record.formatVersion !== 1) throw new Error(`unknown formatVersion ${String(record.formatVersion)}`);
  for (const field of ['backupId', 'database', 'dumpFile', 'sha256', 'lsn'] as const) {
    if (typeof record[field] !== 'string') throw new Error(`${field} is not a string`);
  }
  if (typeof record.sizeBytes !== 'number') throw new Error('sizeBytes is not a number');
  if (!Array.isArray(record.schemas) || !record.schemas.every((schema) => typeof schema === 'string')) throw new Error('schemas is not a list of names');
  return value as BackupManifest;
}
