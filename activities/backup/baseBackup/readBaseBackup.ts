import { createHash, type Hash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { decompressStream } from '../compression/decompressStream.ts';
import { decryptStream } from '../crypto/decryptStream.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import type { TarEntry } from '../tar/TarEntry.ts';
import { TarReader, type TarHandlers } from '../tar/TarReader.ts';
import type { BaseBackupFile } from './BaseBackupManifest.ts';
import { hashingTap } from './hashingTap.ts';
import type { OpenedBaseBackup } from './openBaseBackup.ts';

/** Members of the tar that backup_manifest does not list: itself, and the WAL pg_basebackup -X fetch adds. */
const unlisted = (path: string) => path === 'backup_manifest' || path === 'pg_wal' || path.startsWith('pg_wal/');

export interface ReadProgress {
  readonly storedBytes: number;
  readonly files: number;
}

/**
 * Streams a backup's tar through every check there is, handing each member to `handlers` (restore writes it, verify
 * discards it): the stored object's size, each chunk's tag (decryptStream), decompression, each file's size and
 * SHA256 against the manifest, every listed file present, and at the end the stored object's SHA-256. A file is
 * handed on chunk by chunk as it is authenticated; its checksum is known at its end, so a restore writes into a
 * staging directory it only renames into place once everything passed.
 */
export async function readBaseBackup(
  store: ObjectStore,
  opened: OpenedBaseBackup,
  handlers: TarHandlers,
  options: { signal: AbortSignal; progress?: (progress: ReadProgress) => void },
): Promise<{ files: number; bytes: number; storedBytes: number }> {
  const { manifest, dataKey } = opened;
  const listed = new Map<string, BaseBackupFile>(manifest.files.map((file) => [file.path, file]));
  const seen = new Set<string>();
  let files = 0;
  let bytes = 0;
  let storedSoFar = 0;
  let lastReport = 0;
  for (const object of manifest.objects) {
    const info = await store.head(object.key);
    if (info === undefined) {
      throw new DbarchError('DBA_BACKUP_OBJECT_MISSING', `object ${object.key} of backup ${manifest.backupId} is missing`, { details: { object: object.key } });
    }
    if (info.size < object.storedBytes) {
      throw new DbarchError('DBA_BACKUP_TRUNCATED', `${object.key} has ${info.size} bytes, its manifest says ${object.storedBytes}`, {
        details: { object: object.key, size: info.size, expected: object.storedBytes },
      });
    }
    if (info.size > object.storedBytes) {
      throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `${object.key} has ${info.size} bytes, its manifest says ${object.storedBytes}`, {
        details: { object: object.key, size: info.size, expected: object.storedBytes },
      });
    }
    let hash: Hash | undefined;
    let fileBytes = 0;
    const checks: TarHandlers = {
      entry: async (entry: TarEntry) => {
        if (entry.type === 'file') {
          if (!listed.has(entry.path) && !unlisted(entry.path)) throw mismatch(manifest.backupId, entry.path, 'is in the backup but not in its manifest');
          hash = createHash('sha256');
          fileBytes = 0;
        }
        await handlers.entry(entry);
      },
      data: async (chunk, entry) => {
        hash?.update(chunk);
        fileBytes += chunk.length;
        await handlers.data(chunk, entry);
      },
      entryEnd: async (entry) => {
        if (entry.type === 'file') {
          const expected = listed.get(entry.path);
          const digest = hash!.digest('hex');
          if (expected && (expected.size !== fileBytes || expected.sha256 !== digest)) {
            throw mismatch(manifest.backupId, entry.path, `has ${fileBytes} bytes and SHA256 ${digest}, its manifest says ${expected.size} and ${expected.sha256}`);
          }
          seen.add(entry.path);
          files++;
          bytes += fileBytes;
          hash = undefined;
        }
        await handlers.entryEnd(entry);
      },
    };
    const storedTap = hashingTap((n) => {
      const now = Date.now();
      if (now - lastReport >= 1000) {
        lastReport = now;
        options.progress?.({ storedBytes: storedSoFar + n, files });
      }
    });
    const stages: NodeJS.ReadWriteStream[] = [storedTap.stream];
    if (manifest.encryption !== null) stages.push(decryptStream(dataKey!, { context: object.key, name: object.key }));
    stages.push(decompressStream(manifest.compression.algorithm));
    await pipeline([await store.get(object.key, { signal: options.signal }), ...stages, new TarReader(checks, object.key)], { signal: options.signal });
    if (storedTap.sha256() !== object.sha256) {
      throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `${object.key} does not match the SHA-256 its manifest records`, { details: { object: object.key } });
    }
    storedSoFar += storedTap.bytes();
  }
  const missing = manifest.files.filter((file) => !seen.has(file.path)).map((file) => file.path);
  if (missing.length > 0) throw mismatch(manifest.backupId, missing[0]!, `is in the manifest but not in the backup (${missing.length} files missing)`);
  options.progress?.({ storedBytes: storedSoFar, files });
  return { files, bytes, storedBytes: storedSoFar };
}

function mismatch(backupId: string, path: string, what: string): DbarchError {
  return new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `file ${path} of backup ${backupId} ${what}`, { details: { backupId, file: path } });
}
