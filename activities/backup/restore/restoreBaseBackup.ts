import { randomBytes } from 'node:crypto';
import { chown, mkdir, open, readdir, rename, rm, rmdir, symlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { BaseBackupManifest } from '../baseBackup/BaseBackupManifest.ts';
import { openBaseBackup } from '../baseBackup/openBaseBackup.ts';
import { readBaseBackup, type ReadProgress } from '../baseBackup/readBaseBackup.ts';
import type { KeyProvider } from '../crypto/KeyProvider.ts';
import type { S3Settings } from '../store/S3Settings.ts';
import { openObjectStore } from '../store/openObjectStore.ts';
import type { TarEntry } from '../tar/TarEntry.ts';

export interface RestoreBaseBackupRequest {
  readonly destination: string;
  readonly backupId: string;
  /** The new data directory: must not exist, or be empty. */
  readonly targetDir: string;
  readonly keyProvider?: KeyProvider;
  /** Owner of every restored file (the postgres user, when the worker runs as root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  readonly s3?: S3Settings;
}

export interface RestoredBaseBackup {
  readonly manifest: BaseBackupManifest;
  readonly targetDir: string;
  readonly files: number;
  readonly bytes: number;
}

/**
 * Restores a base backup into a new data directory: fetch, check (see readBaseBackup), decrypt, decompress and
 * untar as one stream into a staging directory beside the target, renamed to the target only once every check
 * passed; on any failure the staging directory is removed, so a tampered, truncated or wrongly keyed backup leaves
 * nothing behind. The result starts as a server that replays the included WAL to the backup's stop LSN; PITR adds
 * recovery settings (restore_command, a target) before starting it.
 */
export async function restoreBaseBackup(
  request: RestoreBaseBackupRequest,
  execution: { signal: AbortSignal; progress?: (p: ReadProgress) => void },
): Promise<RestoredBaseBackup> {
  const targetDir = resolve(request.targetDir);
  const existing = await readdir(targetDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined && existing.length > 0) {
    throw new DbarchError('DBA_BACKUP_RESTORE_TARGET', `restore target ${targetDir} exists and is not empty`, { details: { targetDir } });
  }
  const store = openObjectStore(request.destination, request.s3);
  // Key and manifest first: a wrong key is refused before the staging directory exists.
  const opened = await openBaseBackup(store, request.backupId, request.keyProvider);
  const staging = join(dirname(targetDir), `.${basename(targetDir)}.dbarch-partial-${randomBytes(4).toString('hex')}`);
  await mkdir(staging, { recursive: false, mode: 0o700 });
  const owner = request.owner;
  const own = async (path: string) => {
    if (owner) await chown(path, owner.uid, owner.gid);
  };
  let file: FileHandle | undefined;
  // Chunks are gathered and written with one writev per MiB: far fewer trips to the thread pool than one per chunk.
  // One write stays in flight while the next MiB is decrypted and decompressed: awaiting each write before taking
  // more data kept the decompressor and the disk taking turns (the restore was mostly waiting). The next write
  // waits for the one before it, so a file's bytes land in order.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    await writing;
    if (file && chunks.length > 0) {
      const write = file.writev(chunks);
      write.catch(() => undefined); // handled: its error is thrown where it is awaited, at the next flush or the end
      writing = write;
    }
  };
  const pathOf = (entry: TarEntry) => {
    const path = resolve(staging, entry.path);
    if (path !== staging && !path.startsWith(staging + sep)) throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `tar member ${entry.path} leaves the data directory`);
    return path;
  };
  // The callback running when the stream fails (a tampered chunk) may still be making a file: the cleanup waits
  // for it, or it would recreate what rm just removed (and rm would meet ENOTEMPTY).
  let running: Promise<unknown> = Promise.resolve();
  const tracked = <A extends unknown[]>(callback: (...args: A) => Promise<void>) => (...args: A): Promise<void> => {
    const call = callback(...args);
    running = call.catch(() => undefined);
    return call;
  };
  try {
    await own(staging);
    const read = await readBaseBackup(
      store,
      opened,
      {
        entry: tracked(async (entry: TarEntry) => {
          const path = pathOf(entry);
          if (entry.type === 'directory') {
            await mkdir(path, { recursive: true, mode: 0o700 });
            await own(path);
          } else if (entry.type === 'file') {
            await mkdir(dirname(path), { recursive: true, mode: 0o700 });
            file = await open(path, 'wx', entry.mode & 0o600 ? entry.mode & 0o777 : 0o600);
            if (owner) await file.chown(owner.uid, owner.gid);
          } else if (entry.type === 'symlink') {
            await symlink(entry.linkTarget, path);
            if (owner) await chown(path, owner.uid, owner.gid).catch(() => undefined);
          }
        }),
        data: tracked(async (chunk: Buffer) => {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= 1 << 20) await flush();
        }),
        entryEnd: tracked(async () => {
          await flush();
          await writing;
          await file?.close();
          file = undefined;
        }),
      },
      execution,
    );
    if (existing !== undefined) await rmdir(targetDir);
    await rename(staging, targetDir);
    return { manifest: opened.manifest, targetDir, files: read.files, bytes: read.bytes };
  } catch (error) {
    await running;
    await writing.catch(() => undefined);
    await file?.close().catch(() => undefined);
    // The refusal is what the caller must see; a cleanup that still fails is retried by Node, never rethrown over it.
    await rm(staging, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
    throw error;
  }
}
