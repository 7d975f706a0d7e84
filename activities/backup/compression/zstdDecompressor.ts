import { Duplex } from 'node:stream';
import binding from 'zstd-napi/binding.js';
import { DbarchError } from '../../../errors/DbarchError.ts';

/** Output slab size: a restore's 2.4 GB arrive as ~2,400 buffers instead of the 37,000 a pipe read gives. */
const slabBytes = 1 << 20;
/** A slab with less room than this left is retired: short outputs would otherwise mean many tiny calls. */
const leastRoom = 64 << 10;

/**
 * zstd decompression in process (libzstd through zstd-napi), into 1 MiB buffers. The zstd program behind a pipe
 * moved every decompressed byte through the kernel twice and handed it over in 64 KiB reads: on two cores that
 * copying, not zstd, was the larger part of a restore's CPU. Backpressure is kept: a frame that expands a
 * thousandfold (zeroed pages) is produced a buffer at a time as the consumer takes them, never all at once.
 * A stream that does not decompress, or ends inside a frame (truncated), is DBA_BACKUP_COMPRESSION_FAILED.
 */
export class ZstdDecompressor extends Duplex {
  readonly #context = new binding.DCtx();
  #input: Buffer | undefined;
  #written: ((error?: Error | null) => void) | undefined;
  #consumerWants = true;
  #inFrame = false;
  // Outputs are consecutive views of one slab, so input fed a byte at a time does not pin a MiB per byte.
  #slab: Buffer;
  #used = 0;
  // With recycling, the views of each slab still out (and whether it is full); a slab whose views all came back
  // is used again: a restore then cycles a few MiB instead of leaving 2.4 GB of buffers to the collector.
  readonly #recycling: boolean;
  readonly #out = new Map<ArrayBufferLike, { readonly slab: Buffer; views: number; retired: boolean }>();
  readonly #spare: Buffer[] = [];

  /**
   * `recycling`: the consumer hands every chunk back with recycle() once done with it (and keeps no view of it
   * after); the chunk's memory is then reused.
   */
  constructor(options: { recycling?: boolean } = {}) {
    super({ writableHighWaterMark: 1 << 20, readableHighWaterMark: 1 << 20 });
    this.#recycling = options.recycling ?? false;
    this.#slab = this.#newSlab();
  }

  /** A chunk this stream produced, no longer used by anyone (only with `recycling`). */
  recycle(chunk: Buffer): void {
    const state = this.#out.get(chunk.buffer);
    if (state === undefined) return;
    state.views--;
    if (state.views === 0 && state.retired) {
      this.#out.delete(chunk.buffer);
      this.#spare.push(state.slab);
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#input = chunk;
    this.#written = callback;
    this.#pump();
  }

  override _read(): void {
    this.#consumerWants = true;
    this.#pump();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#inFrame) return callback(failed('the zstd stream ends inside a frame (truncated)'));
    this.push(null);
    callback();
  }

  /** Decompresses the pending input while the consumer wants more; the write completes once it all came out. */
  #pump(): void {
    while (this.#consumerWants && this.#input !== undefined) {
      if (slabBytes - this.#used < leastRoom) {
        this.#retire();
        this.#slab = this.#newSlab();
        this.#used = 0;
      }
      const output = this.#slab.subarray(this.#used);
      let result: [number, number, number];
      try {
        result = this.#context.decompressStream(output, this.#input);
      } catch (cause) {
        return this.#complete(failed(`the zstd stream does not decompress: ${(cause as Error).message}`, cause));
      }
      const [hint, produced, consumed] = result;
      // Between frames the context asks for the next header (hint > 0) though none is owed: only a call that moved
      // bytes says whether a frame is open.
      if (consumed > 0 || produced > 0) this.#inFrame = hint !== 0;
      this.#input = this.#input.subarray(consumed);
      // Decoded bytes can stay inside the context after the input is used up: all is out only when a call with
      // nothing left to read produces nothing.
      const drained = this.#input.length === 0 && produced === 0;
      if (produced > 0) {
        this.#used += produced;
        if (this.#recycling) this.#out.get(this.#slab.buffer)!.views++;
        this.#consumerWants = this.push(output.subarray(0, produced));
      }
      if (drained) this.#complete();
    }
  }

  #newSlab(): Buffer {
    const slab = this.#spare.pop() ?? Buffer.allocUnsafe(slabBytes);
    if (this.#recycling) this.#out.set(slab.buffer, { slab, views: 0, retired: false });
    return slab;
  }

  #retire(): void {
    const state = this.#out.get(this.#slab.buffer);
    if (state === undefined) return;
    state.retired = true;
    if (state.views === 0) {
      this.#out.delete(this.#slab.buffer);
      this.#spare.push(this.#slab);
    }
  }

  #complete(error?: Error): void {
    const callback = this.#written;
    this.#input = undefined;
    this.#written = undefined;
    callback?.(error);
  }
}

function failed(message: string, cause?: unknown): DbarchError {
  return new DbarchError('DBA_BACKUP_COMPRESSION_FAILED', message, { cause });
}
