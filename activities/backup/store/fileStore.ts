import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { GetOptions, ObjectInfo, ObjectStore, PutOptions } from './ObjectStore.ts';
import { objectExists } from './objectExists.ts';
import { objectKey } from './objectKey.ts';
import { objectMissing } from './objectMissing.ts';

/** Files being written start with this; list() never shows them and a reader never opens one by its key. */
const tempPrefix = '.dbarch-tmp-';

/**
 * file:// destinations (a local disk or an NFS mount). A put writes a temporary file beside the final name,
 * fsyncs it, then renames it into place (or hard-links it for ifAbsent, which fails atomically when the name
 * exists), so a crash leaves at most a temporary file and never a short object under a real key.
 */
export function fileStore(destination: string, root: string): ObjectStore {
  const pathOf = (key: string) => join(root, ...objectKey(key).split('/'));

  async function put(key: string, body: Readable | Uint8Array | string, options: PutOptions = {}): Promise<ObjectInfo> {
    // A source that fails while the directory is being made must fail this put, not the process: pipeline
    // below reports the error of an already destroyed stream, but only a listener now keeps it from being uncaught.
    if (body instanceof Readable) body.on('error', () => undefined);
    const finalPath = pathOf(key);
    await mkdir(dirname(finalPath), { recursive: true }).catch((cause: unknown) => {
      throw unwritable(finalPath, cause);
    });
    if (options.ifAbsent && (await exists(finalPath))) throw objectExists(destination, key);
    const tempPath = join(dirname(finalPath), `${tempPrefix}${randomBytes(6).toString('hex')}`);
    let written = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        options.onProgress?.(written);
        callback(null, chunk);
      },
    });
    try {
      const source = typeof body === 'string' || body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : body;
      await pipeline(source, counter, createWriteStream(tempPath, { flags: 'wx' }), options.signal ? { signal: options.signal } : {});
      const handle = await open(tempPath, 'r');
      await handle.sync().finally(() => handle.close());
      if (options.ifAbsent) {
        await link(tempPath, finalPath).catch((cause: NodeJS.ErrnoException) => {
          throw cause.code === 'EEXIST' ? objectExists(destination, key) : cause;
        });
        await unlink(tempPath);
      } else {
        await rename(tempPath, finalPath);
      }
    } catch (error) {
      await unlink(tempPath).catch(() => undefined);
      if (error instanceof DbarchError) throw error;
      if ((error as { name?: string }).name === 'AbortError') throw error;
      // A failing source stream carries its own coded error (a compressor, pg_basebackup); keep it.
      throw unwritable(finalPath, error);
    }
    await syncDirectory(dirname(finalPath));
    return { key, size: written, lastModified: new Date() };
  }

  async function get(key: string, options: GetOptions = {}): Promise<Readable> {
    const path = pathOf(key);
    const handle = await open(path, 'r').catch((cause: NodeJS.ErrnoException) => {
      throw cause.code === 'ENOENT' ? objectMissing(destination, key) : unwritable(path, cause);
    });
    const range = options.range;
    return createReadStream('', {
      fd: handle,
      ...(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end - 1 } : {}) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      highWaterMark: 1 << 20,
    });
  }

  async function getBytes(key: string, options: GetOptions = {}): Promise<Buffer> {
    if (options.range) {
      const chunks: Buffer[] = [];
      for await (const chunk of await get(key, options)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return readFile(pathOf(key)).catch((cause: NodeJS.ErrnoException) => {
      throw cause.code === 'ENOENT' ? objectMissing(destination, key) : unwritable(pathOf(key), cause);
    });
  }

  async function head(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(pathOf(key)).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT' || cause.code === 'ENOTDIR') return undefined;
      throw unwritable(pathOf(key), cause);
    });
    return info?.isFile() ? { key, size: info.size, lastModified: info.mtime } : undefined;
  }

  async function list(prefix: string): Promise<ObjectInfo[]> {
    // Walk only the directory the prefix lies in, then filter by the full prefix.
    const slash = prefix.lastIndexOf('/');
    const start = slash < 0 ? root : join(root, ...prefix.slice(0, slash).split('/').filter((s) => s !== ''));
    const found: ObjectInfo[] = [];
    const entries = await readdir(start, { recursive: true, withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT') return [];
      throw unwritable(start, cause);
    });
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.startsWith(tempPrefix)) continue;
      const full = join(entry.parentPath, entry.name);
      const key = relative(root, full).split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      const info = await stat(full).catch(() => undefined);
      if (info) found.push({ key, size: info.size, lastModified: info.mtime });
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async function remove(key: string): Promise<void> {
    await unlink(pathOf(key)).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== 'ENOENT') throw unwritable(pathOf(key), cause);
    });
  }

  async function removeIncomplete(prefix: string): Promise<number> {
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    let removed = 0;
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.startsWith(tempPrefix)) continue;
      const full = join(entry.parentPath, entry.name);
      if (!relative(root, full).split(sep).join('/').startsWith(prefix)) continue;
      await unlink(full).catch(() => undefined);
      removed++;
    }
    return removed;
  }

  return { destination, put, get, getBytes, head, list, delete: remove, removeIncomplete };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The rename is durable only once the directory entry is: fsync the directory too (a no-op where unsupported). */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (handle) await handle.sync().catch(() => undefined).finally(() => handle.close());
}

function unwritable(path: string, cause: unknown): DbarchError {
  if (cause instanceof DbarchError) return cause;
  return new DbarchError('DBA_BACKUP_DESTINATION_UNWRITABLE', `cannot write or read ${path}: ${(cause as Error).message}`, { cause, details: { path } });
}
