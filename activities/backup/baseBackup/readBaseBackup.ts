import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { releaseBuffersPromptly } from '../../../runtime/releaseBuffersPromptly.ts';
import { decompressStream } from '../compression/decompressStream.ts';
import { decryptStream } from '../crypto/decryptStream.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import type { TarEntry } from '../tar/TarEntry.ts';
import { TarReader, type TarHandlers } from '../tar/TarReader.ts';
import type { BaseBackupFile } from './BaseBackupManifest.ts';
import { hashingTap } from './hashingTap.ts';
import { OffThreadHasher } from './OffThreadHasher.ts';
import { parsePgBackupManifest } from './pgBackupManifest.ts';
import type { OpenedBaseBackup } from './openBaseBackup.ts';

/** Members of the tar that backup_manifest does not list: itself, and the WAL pg_basebackup -X fetch adds. */
const unlisted = (path: string) => path === 'backup_manifest' || path === 'pg_wal' || path.startsWith('pg_wal/');

export interface ReadProgress {
  readonly storedBytes: number;
  readonly files: number;
}

/**
 * Streams a backup's tar through every check there is, handing each member to `handlers` (restore writes it, verify
 * discards it): the stored object's size, each chunk's tag (decryptStream), decompression, and at the end the
 * stored object's SHA-256 and each file's size and SHA256 against backup_manifest (the tar's last member, checked
 * against its own checksum): every listed file present and equal, no unlisted file but the WAL. A file is handed on
 * chunk by chunk as it is authenticated; the verdict on files comes at the end, so a restore writes into a staging
 * directory it only renames into place once everything passed.
 */
export async function readBaseBackup(
  store: ObjectStore,
  opened: OpenedBaseBackup,
  handlers: TarHandlers,
  options: { signal: AbortSignal; progress?: (progress: ReadProgress) => void },
): Promise<{ files: number; bytes: number; storedBytes: number }> {
  releaseBuffersPromptly();
  const hasher = new OffThreadHasher();
  try {
    return await readChecked(store, opened, handlers, options, hasher);
  } finally {
    await hasher.close();
  }
}

async function readChecked(
  store: ObjectStore,
  opened: OpenedBaseBackup,
  handlers: TarHandlers,
  options: { signal: AbortSignal; progress?: (progress: ReadProgress) => void },
  hasher: OffThreadHasher,
): Promise<{ files: number; bytes: number; storedBytes: number }> {
  const { manifest, dataKey } = opened;
  // Every file's size and SHA256 as it streams (hashed on a thread of its own); compared at the end with
  // backup_manifest (the tar's last member).
  const seen = new Map<string, { size: number; sha256: Promise<string> }>();
  let pgManifestText = '';
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
    let fileBytes = 0;
    const checks: TarHandlers = {
      entry: async (entry: TarEntry) => {
        if (entry.type === 'file') fileBytes = 0;
        await handlers.entry(entry);
      },
      data: async (chunk, entry) => {
        fileBytes += chunk.length;
        if (entry.path === 'backup_manifest') pgManifestText += chunk.toString('utf8');
        await Promise.all([hasher.update(files, chunk), handlers.data(chunk, entry)]);
      },
      entryEnd: async (entry) => {
        if (entry.type === 'file') {
          const sha256 = hasher.digest(files);
          sha256.catch(() => undefined); // awaited with the others at the end
          seen.set(entry.path, { size: fileBytes, sha256 });
          files++;
          bytes += fileBytes;
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
    // Every handler copies what it keeps (the hasher into its ring, a restored file into its slab or buffer): the
    // decompressor's chunks go back to it once read.
    const decompressor = decompressStream(manifest.compression.algorithm, { recycling: true });
    stages.push(decompressor);
    const reader = new TarReader(checks, object.key, decompressor.recycle?.bind(decompressor));
    await pipeline([await store.get(object.key, { signal: options.signal }), ...stages, reader], { signal: options.signal });
    if (storedTap.sha256() !== object.sha256) {
      throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `${object.key} does not match the SHA-256 its manifest records`, { details: { object: object.key } });
    }
    storedSoFar += storedTap.bytes();
  }
  const listed = manifest.files ?? pgManifestFiles(manifest.backupId, pgManifestText);
  const listedPaths = new Set<string>();
  for (const file of listed) {
    listedPaths.add(file.path);
    const got = seen.get(file.path);
    if (got === undefined) throw mismatch(manifest.backupId, file.path, 'is in the manifest but not in the backup');
    const sha256 = await got.sha256;
    if (got.size !== file.size || sha256 !== file.sha256) {
      throw mismatch(manifest.backupId, file.path, `has ${got.size} bytes and SHA256 ${sha256}, its manifest says ${file.size} and ${file.sha256}`);
    }
  }
  for (const path of seen.keys()) {
    if (!listedPaths.has(path) && !unlisted(path)) throw mismatch(manifest.backupId, path, 'is in the backup but not in its manifest');
  }
  options.progress?.({ storedBytes: storedSoFar, files });
  return { files, bytes, storedBytes: storedSoFar };
}

function mismatch(backupId: string, path: string, what: string): DbarchError {
  return new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `file ${path} of backup ${backupId} ${what}`, { details: { backupId, file: path } });
}

/** backup_manifest's files, after checking its own Manifest-Checksum (SHA256 of everything before that line). */
function pgManifestFiles(backupId: string, text: string): BaseBackupFile[] {
  if (text === '') throw mismatch(backupId, 'backup_manifest', 'is missing from the backup');
  const at = text.lastIndexOf('"Manifest-Checksum"');
  const recorded = /"Manifest-Checksum"\s*:\s*"([0-9a-f]{64})"/.exec(text.slice(at))?.[1];
  if (at < 0 || recorded !== createHash('sha256').update(text.slice(0, at)).digest('hex')) {
    throw mismatch(backupId, 'backup_manifest', 'does not match its own Manifest-Checksum');
  }
  return [...parsePgBackupManifest(text).files];
}
