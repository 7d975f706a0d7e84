import { randomBytes } from 'node:crypto';
import { chown, mkdir, open, readdir, rename, rm, rmdir, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { BaseBackupManifest } from '../baseBackup/BaseBackupManifest.ts';
import { openBaseBackup } from '../baseBackup/openBaseBackup.ts';
import { readBaseBackup, type ReadProgress } from '../baseBackup/readBaseBackup.ts';
import type { KeyProvider } from '../crypto/KeyProvider.ts';
import type { S3Settings } from '../store/S3Settings.ts';
import { openObjectStore } from '../store/openObjectStore.ts';
import type { TarEntry } from '../tar/TarEntry.ts';
import { AlignedSlabs } from './AlignedSlabs.ts';
import { RestoredFile, type RestoreIo } from './RestoredFile.ts';

/** Aligned MiB slabs for direct writes: also the bound on bytes in flight to the disk. */
const directSlabs = 8;
/** Files being fsync'ed and closed at once while the stream goes on. */
const filesFinishing = 8;

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
  const io: RestoreIo = { slabs: new AlignedSlabs(directSlabs, 1 << 20), direct: true };
  let file: RestoredFile | undefined;
  // Finished files are fsync'ed and closed in the background, a few at a time, while the stream goes on.
  const finishing = new Set<Promise<void>>();
  let finishFailure: Error | undefined;
  const finishInBackground = async (done: RestoredFile) => {
    const finished = done.finish().catch((error: unknown) => {
      finishFailure ??= error instanceof Error ? error : new Error('a restored file could not be finished', { cause: error });
    });
    finishing.add(finished);
    void finished.then(() => finishing.delete(finished));
    if (finishing.size >= filesFinishing) await Promise.race(finishing);
    if (finishFailure !== undefined) throw finishFailure;
  };
  const directories = new Set<string>([staging]);
  const pathOf = (entry: TarEntry) => {
    const path = resolve(staging, entry.path);
    if (path !== staging && !path.startsWith(staging + sep)) throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `tar member ${entry.path} leaves the data directory`);
    return path;
  };
  const makeDirectory = async (path: string) => {
    if (directories.has(path)) return;
    await mkdir(path, { recursive: true, mode: 0o700 });
    for (let dir = path; dir !== staging && !directories.has(dir); dir = dirname(dir)) directories.add(dir);
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
            await makeDirectory(path);
            await own(path);
          } else if (entry.type === 'file') {
            await makeDirectory(dirname(path));
            file = await RestoredFile.create(path, { mode: entry.mode & 0o600 ? entry.mode & 0o777 : 0o600, size: entry.size, owner }, io);
          } else if (entry.type === 'symlink') {
            await symlink(entry.linkTarget, path);
            if (owner) await chown(path, owner.uid, owner.gid).catch(() => undefined);
          }
        }),
        data: tracked(async (chunk: Buffer) => {
          await file!.write(chunk);
        }),
        entryEnd: tracked(async () => {
          const done = file;
          file = undefined;
          if (done) await finishInBackground(done);
        }),
      },
      execution,
    );
    await Promise.all(finishing);
    if (finishFailure !== undefined) throw finishFailure;
    // Durable before it is published: every file was fsync'ed, then the directories that name them.
    await syncDirectories([...directories]);
    if (existing !== undefined) await rmdir(targetDir);
    await rename(staging, targetDir);
    await syncDirectories([dirname(targetDir)]);
    return { manifest: opened.manifest, targetDir, files: read.files, bytes: read.bytes };
  } catch (error) {
    await running;
    await file?.abandon();
    await Promise.allSettled(finishing);
    // The refusal is what the caller must see; a cleanup that still fails is retried by Node, never rethrown over it.
    await rm(staging, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
    throw error;
  }
}

/** fsync of directories, a few at a time: what makes the files' names (and the final rename) survive a crash. */
async function syncDirectories(paths: readonly string[]): Promise<void> {
  for (let at = 0; at < paths.length; at += filesFinishing) {
    await Promise.all(
      paths.slice(at, at + filesFinishing).map(async (path) => {
        const handle = await open(path, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
  }
}
