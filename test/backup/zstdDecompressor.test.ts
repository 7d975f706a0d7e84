import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZstdDecompressor } from '../../activities/backup/compression/zstdDecompressor.ts';
import { expectCode } from '../migrations/expectCode.ts';

/** Compressed by Debian's zstd, the program a backup's bytes went through: the format is checked, not a round trip of one library. */
function zstd(input: Buffer, ...args: string[]): Buffer {
  return execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 30 });
}

/** Feeds `input` in pieces of `piece` bytes, so frames and blocks straddle writes. */
async function decompress(input: Buffer, piece = 4096): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < input.length; at += piece) pieces.push(input.subarray(at, at + piece));
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, callback) {
      out.push(chunk);
      callback();
    },
  });
  await pipeline(Readable.from(pieces), new ZstdDecompressor(), sink);
  return Buffer.concat(out);
}

describe('backup: zstd decompression in process', () => {
  it('decompresses what the zstd program wrote, whatever the write sizes, multi-threaded and concatenated frames too', async () => {
    const input = Buffer.concat([randomBytes(300_000), Buffer.alloc(3_000_000, 'x'), randomBytes(1000)]);
    for (const piece of [1, 777, 1 << 20]) {
      const output = await decompress(zstd(input.subarray(0, piece === 1 ? 50_000 : input.length), '-3'), piece);
      expect(output.equals(input.subarray(0, piece === 1 ? 50_000 : input.length)), `pieces of ${piece}`).to.equal(true);
    }
    expect((await decompress(zstd(input, '-T2', '-19'))).equals(input)).to.equal(true);
    const twoFrames = Buffer.concat([zstd(input.subarray(0, 1000)), zstd(input.subarray(1000))]);
    expect((await decompress(twoFrames)).equals(input)).to.equal(true);
    expect((await decompress(zstd(Buffer.alloc(0)))).length).to.equal(0);
  });

  it('refuses a truncated stream, a damaged one and bytes that are not zstd with DBA_BACKUP_COMPRESSION_FAILED', async () => {
    const packed = zstd(Buffer.concat([randomBytes(100_000), Buffer.alloc(500_000, 'y')]));
    await expectCode(decompress(packed.subarray(0, packed.length - 10)), 'DBA_BACKUP_COMPRESSION_FAILED');
    await expectCode(decompress(packed.subarray(0, 4)), 'DBA_BACKUP_COMPRESSION_FAILED');
    const damaged = Buffer.from(packed);
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff;
    await expectCode(decompress(damaged), 'DBA_BACKUP_COMPRESSION_FAILED');
    await expectCode(decompress(Buffer.from('not a zstd stream at all')), 'DBA_BACKUP_COMPRESSION_FAILED');
  });

  it('produces a thousandfold frame a buffer at a time as a slow consumer takes it, never all at once', async () => {
    const zeros = 256 << 20;
    const packed = zstd(Buffer.alloc(zeros), '-3');
    expect(packed.length).to.be.lessThan(64 * 1024);
    const decompressor = new ZstdDecompressor();
    let received = 0;
    let mostBuffered = 0;
    const slow = new Writable({
      highWaterMark: 1 << 20,
      write(chunk: Buffer, _e, callback) {
        received += chunk.length;
        mostBuffered = Math.max(mostBuffered, decompressor.readableLength);
        if (received % (16 << 20) === 0) setTimeout(callback, 1);
        else callback();
      },
    });
    await pipeline(Readable.from([packed]), decompressor, slow);
    expect(received).to.equal(zeros);
    expect(mostBuffered).to.be.at.most(4 << 20);
  });

  it('with recycling, reuses the memory of chunks handed back, and a consumer that copies sees the right bytes', async () => {
    const input = Buffer.concat(Array.from({ length: 24 }, (_, i) => Buffer.concat([randomBytes(50_000), Buffer.alloc(700_000, i)])));
    const decompressor = new ZstdDecompressor({ recycling: true });
    const copies: Buffer[] = [];
    const memories = new Set<ArrayBufferLike>();
    const sink = new Writable({
      write(chunk: Buffer, _e, callback) {
        copies.push(Buffer.from(chunk));
        memories.add(chunk.buffer);
        decompressor.recycle(chunk);
        callback();
      },
    });
    await pipeline(Readable.from([zstd(input)]), decompressor, sink);
    expect(Buffer.concat(copies).equals(input)).to.equal(true);
    // 18 MB came out of a handful of 1 MiB slabs, used again and again.
    expect(memories.size).to.be.at.most(4);
  });
});
