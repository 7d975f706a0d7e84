import { Readable, Writable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Runs one in-memory buffer through stream stages (compress, encrypt, or the reverse): a WAL file is 16 MiB at most. */
export async function transformBuffer(input: Buffer, stages: readonly Duplex[]): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  await pipeline([Readable.from([input]), ...stages, sink]);
  return Buffer.concat(parts);
}
