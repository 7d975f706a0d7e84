import { Worker } from 'node:worker_threads';

/** The shared ring chunks are copied into for the thread: reused lap after lap, so its pages are touched once. */
const ringBytes = 64 << 20;
/** Larger chunks cross in pieces, so a piece always fits the ring. */
const pieceBytes = 4 << 20;

// Plain JavaScript, evaluated in the thread: the TypeScript loader the CLI registers does not reach workers.
// Messages: ['update', id, bytes] hashes `bytes` (a view of shared memory) into file id; ['end', id] answers
// ['digest', id, hex]; every update is acknowledged with ['hashed', length].
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', ([kind, id, bytes]) => {
  if (kind === 'update') {
    let hash = hashes.get(id);
    if (hash === undefined) hashes.set(id, (hash = createHash('sha256')));
    hash.update(bytes);
    parentPort.postMessage(['hashed', id, bytes.length]);
  } else {
    const hash = hashes.get(id) ?? createHash('sha256');
    hashes.delete(id);
    parentPort.postMessage(['digest', id, hash.digest('hex')]);
  }
});
`;

/**
 * SHA-256 of many files, computed on a thread of its own while the stream goes on: on a restore, hashing the
 * data files was half the main thread's work, and the main thread was what bounded it. Bytes cross through a
 * ring of shared memory (a copy costs a fifth of hashing; allocating fresh shared buffers instead faulted in new
 * pages for every MiB); update() waits while the ring is full, so the thread is never more than 64 MiB behind.
 */
export class OffThreadHasher {
  readonly #worker = new Worker(workerSource, { eval: true });
  readonly #ring = Buffer.from(new SharedArrayBuffer(ringBytes));
  /** Regions of the ring handed over and not yet hashed, oldest first (the thread hashes in order). */
  readonly #inFlight: { start: number; length: number }[] = [];
  #head = 0;
  readonly #digests = new Map<number, { resolve: (hex: string) => void; reject: (error: Error) => void }>();
  #resume: (() => void) | undefined;
  #failure: Error | undefined;

  constructor() {
    this.#worker.on('message', ([kind, id, value]: [string, number, number | string]) => {
      if (kind === 'hashed') {
        this.#inFlight.shift();
        this.#wake();
      } else {
        this.#digests.get(id)?.resolve(value as string);
        this.#digests.delete(id);
      }
    });
    const fail = (error: Error) => {
      this.#failure ??= error;
      for (const waiting of this.#digests.values()) waiting.reject(this.#failure);
      this.#digests.clear();
      this.#wake();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the hashing thread exited (${code})`)));
  }

  /** Adds bytes to file `id`; resolves once they are in the ring (at once, unless the thread is 64 MiB behind). */
  async update(id: number, chunk: Buffer): Promise<void> {
    for (let at = 0; at < chunk.length; at += pieceBytes) {
      const piece = chunk.subarray(at, at + pieceBytes);
      let start: number | undefined;
      while ((start = this.#room(piece.length)) === undefined) {
        this.#throwIfFailed();
        await new Promise<void>((resolve) => (this.#resume = resolve));
      }
      this.#throwIfFailed();
      piece.copy(this.#ring, start);
      this.#head = start + piece.length;
      this.#inFlight.push({ start, length: piece.length });
      this.#worker.postMessage(['update', id, this.#ring.subarray(start, this.#head)]);
    }
  }

  /** The file's SHA-256 (hex), once the thread has hashed everything given for it. */
  digest(id: number): Promise<string> {
    if (this.#failure) return Promise.reject(this.#failure);
    const digest = new Promise<string>((resolve, reject) => this.#digests.set(id, { resolve, reject }));
    this.#worker.postMessage(['end', id]);
    return digest;
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  /** Where `length` bytes fit after the head (or, wrapping, at the start) without touching unhashed bytes. */
  #room(length: number): number | undefined {
    const oldest = this.#inFlight[0];
    if (oldest === undefined) return this.#head + length <= ringBytes ? this.#head : 0;
    // Unhashed bytes lie in [oldest.start, head), or, wrapped, in [oldest.start, end) and [0, head).
    if (oldest.start < this.#head) {
      if (this.#head + length <= ringBytes) return this.#head;
      return length <= oldest.start ? 0 : undefined;
    }
    return this.#head + length <= oldest.start ? this.#head : undefined;
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #wake(): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }
}
