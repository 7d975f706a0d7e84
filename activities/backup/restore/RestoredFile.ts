import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { directIoAlignment, type AlignedSlabs } from './AlignedSlabs.ts';

/** What the files of one restore share: the aligned buffers, and whether the target's filesystem takes O_DIRECT. */
export interface RestoreIo {
  readonly slabs: AlignedSlabs;
  direct: boolean;
}

export interface RestoredFileOptions {
  readonly mode: number;
  /** The size the tar header gives: files of at least a slab are written with direct I/O. */
  readonly size: number;
  readonly owner?: { readonly uid: number; readonly gid: number } | undefined;
}

/** Bytes gathered into one buffered write: far fewer trips to the thread pool than one per chunk. */
const gatherBytes = 1 << 20;

/**
 * One file a restore writes, durable when finish() resolves (written, fsync'ed, closed), as pgBackRest's restore
 * makes each file. Large files bypass the page cache (O_DIRECT from aligned slabs, several writes in flight, the
 * last block zero-padded and the file truncated back to its size): a restore's gigabytes then go to the disk once,
 * without first filling memory with dirty pages that must be allocated, then flushed by the fsync anyway. Small
 * files, and filesystems without O_DIRECT (tmpfs), are written through the page cache, one gathered write in
 * flight while the next is prepared.
 */
export class RestoredFile {
  readonly #handle: FileHandle;
  readonly #io: RestoreIo;
  readonly #direct: boolean;
  readonly #writes = new Set<Promise<void>>();
  #error: Error | undefined;
  #position = 0;
  // Direct: the slab being filled. Buffered: the chunks gathered for the next write.
  #slab: Buffer | undefined;
  #filled = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;

  private constructor(handle: FileHandle, io: RestoreIo, direct: boolean) {
    this.#handle = handle;
    this.#io = io;
    this.#direct = direct;
  }

  static async create(path: string, options: RestoredFileOptions, io: RestoreIo): Promise<RestoredFile> {
    const create = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
    let handle: FileHandle | undefined;
    let exclusive = create;
    if (io.direct && options.size >= io.slabs.slabBytes) {
      handle = await open(path, create | constants.O_DIRECT, options.mode).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EINVAL') throw error;
        // The filesystem refuses O_DIRECT, after creating the file: this one is opened as it is, and every
        // later one is buffered.
        io.direct = false;
        exclusive = constants.O_WRONLY;
        return undefined;
      });
    }
    const direct = handle !== undefined;
    handle ??= await open(path, exclusive, options.mode);
    try {
      if (options.owner) await handle.chown(options.owner.uid, options.owner.gid);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new RestoredFile(handle, io, direct);
  }

  /** Takes the file's next bytes; resolves when more may be given (the disk keeps up), rejects on a failed write. */
  async write(chunk: Buffer): Promise<void> {
    this.#throwIfFailed();
    if (!this.#direct) {
      // A copy: the chunk is the stream's and is reused once this call returns (TarHandlers).
      this.#pending.push(Buffer.from(chunk));
      this.#pendingBytes += chunk.length;
      if (this.#pendingBytes >= gatherBytes) await this.#submitGathered();
      return;
    }
    for (let at = 0; at < chunk.length; ) {
      this.#slab ??= await this.#io.slabs.acquire();
      const copied = chunk.copy(this.#slab, this.#filled, at);
      this.#filled += copied;
      at += copied;
      if (this.#filled === this.#slab.length) this.#submitSlab();
    }
  }

  /** Everything written, on disk (fsync) and the handle closed; the first failed write is thrown here at the latest. */
  async finish(): Promise<void> {
    try {
      if (this.#direct) {
        if (this.#filled > 0) this.#submitSlab();
      } else {
        await this.#submitGathered();
      }
      await Promise.all(this.#writes);
      this.#throwIfFailed();
      // The last direct write was padded to a whole block.
      if (this.#direct && this.#position % directIoAlignment !== 0) await this.#handle.truncate(this.#position);
      await this.#handle.sync();
    } finally {
      await this.abandon();
    }
  }

  /** Waits for the writes in flight and closes the handle; never throws (the failure that led here is the news). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#writes);
    if (this.#slab) this.#io.slabs.release(this.#slab);
    this.#slab = undefined;
    await this.#handle.close().catch(() => undefined);
  }

  #submitSlab(): void {
    const slab = this.#slab!;
    const length = this.#filled;
    const padded = Math.ceil(length / directIoAlignment) * directIoAlignment;
    if (padded > length) slab.fill(0, length, padded);
    const position = this.#position;
    this.#position += length;
    this.#slab = undefined;
    this.#filled = 0;
    this.#track(
      this.#handle
        .write(slab, 0, padded, position)
        .then(({ bytesWritten }) => {
          if (bytesWritten !== padded) throw new Error(`short write: ${bytesWritten} of ${padded} bytes at ${position}`);
        })
        .finally(() => this.#io.slabs.release(slab)),
    );
  }

  /** One gathered write in flight: the next waits for it, so memory held stays at two gathers. */
  async #submitGathered(): Promise<void> {
    await Promise.all(this.#writes);
    this.#throwIfFailed();
    if (this.#pendingBytes === 0) return;
    const chunks = this.#pending;
    const position = this.#position;
    this.#position += this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#track(this.#handle.writev(chunks, position).then(() => undefined));
  }

  #track(write: Promise<void>): void {
    const tracked = write.catch((error: unknown) => {
      this.#error ??= asError(error);
    });
    this.#writes.add(tracked);
    void tracked.then(() => this.#writes.delete(tracked));
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) throw this.#error;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('write failed', { cause: error });
}
