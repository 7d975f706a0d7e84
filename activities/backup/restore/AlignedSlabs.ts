// The part of WebAssembly used here (Node has it; the project's TypeScript libs do not declare it).
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer } };

/** Alignment direct I/O needs of buffer addresses, lengths and file offsets: the largest block size in common use. */
export const directIoAlignment = 4096;

/**
 * A fixed pool of page-aligned buffers for O_DIRECT writes. Node gives no say over a Buffer's address (malloc'd
 * ones sit 16 bytes past a page), but a WebAssembly.Memory is mapped whole pages, so views into it at multiples of
 * the slab size are aligned. acquire() waits while every slab is out: the pool is also the bound on bytes in
 * flight to the disk.
 */
export class AlignedSlabs {
  readonly slabBytes: number;
  readonly #free: Buffer[] = [];
  readonly #waiting: ((slab: Buffer) => void)[] = [];

  constructor(count: number, slabBytes: number) {
    if (slabBytes % 65536 !== 0) throw new Error(`slab size ${slabBytes} is not a multiple of WebAssembly's 64 KiB page`);
    this.slabBytes = slabBytes;
    const memory = new WebAssembly.Memory({ initial: (count * slabBytes) / 65536 });
    for (let i = 0; i < count; i++) this.#free.push(Buffer.from(memory.buffer, i * slabBytes, slabBytes));
  }

  async acquire(): Promise<Buffer> {
    return this.#free.pop() ?? new Promise<Buffer>((resolve) => this.#waiting.push(resolve));
  }

  release(slab: Buffer): void {
    const next = this.#waiting.shift();
    if (next) next(slab);
    else this.#free.push(slab);
  }
}
