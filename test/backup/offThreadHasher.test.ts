import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { OffThreadHasher } from '../../activities/backup/baseBackup/OffThreadHasher.ts';

describe('backup: SHA-256 of restored files on a thread of its own', () => {
  it('gives each file the digest node:crypto gives, through several laps of the ring and chunks of every size', async () => {
    const hasher = new OffThreadHasher();
    try {
      const expected: string[] = [];
      const digests: Promise<string>[] = [];
      // 200 MiB in all: the 64 MiB ring wraps three times; sizes from 1 byte to 9 MiB (pieces of 4 MiB).
      const sizes = [1, 0, 4096, 9 << 20, 777_777, ...Array.from({ length: 40 }, (_, i) => ((i * 7919) % 31) << 18)];
      const block = randomBytes(9 << 20);
      for (let id = 0; id < sizes.length; id++) {
        const hash = createHash('sha256');
        const size = sizes[id]!;
        // The 9 MiB file comes as one chunk (it crosses in pieces); the others in chunks of growing, odd sizes.
        for (let at = 0, n = size === 9 << 20 ? size : 1; at < size; at += n, n = (n * 3 + 1) % (3 << 20) || 1) {
          const chunk = block.subarray(at % 1024, (at % 1024) + Math.min(n, size - at));
          hash.update(chunk);
          await hasher.update(id, chunk);
        }
        expected.push(hash.digest('hex'));
        digests.push(hasher.digest(id));
      }
      expect(await Promise.all(digests)).to.deep.equal(expected);
    } finally {
      await hasher.close();
    }
  });
});
