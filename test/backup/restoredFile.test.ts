import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AlignedSlabs } from '../../activities/backup/restore/AlignedSlabs.ts';
import { RestoredFile, type RestoreIo } from '../../activities/backup/restore/RestoredFile.ts';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('backup: restored files (direct I/O for large ones, durable at finish)', () => {
  let dir: string;
  // On the disk restores write to (not /tmp, which may be tmpfs): the O_DIRECT path is the one under test.
  beforeEach(() => {
    mkdirSync(join(process.cwd(), 'tmp'), { recursive: true });
    dir = mkdtempSync(join(process.cwd(), 'tmp', 'restored-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function restore(content: Buffer, pieces: number[], io: RestoreIo, name = 'f'): Promise<{ path: string; file: RestoredFile }> {
    const path = join(dir, name);
    const file = await RestoredFile.create(path, { mode: 0o600, size: content.length }, io);
    let at = 0;
    for (let i = 0; at < content.length; i++) {
      const n = pieces[i % pieces.length]!;
      await file.write(content.subarray(at, at + n));
      at += n;
    }
    return { path, file };
  }

  it('writes exact bytes whatever the chunking: unaligned sizes, chunks straddling slabs, more slabs than the pool', async () => {
    const io: RestoreIo = { slabs: new AlignedSlabs(2, 1 << 16), direct: true };
    for (const [size, pieces] of [
      [(1 << 16) * 5 + 123, [1000, 70_000, 1]],
      [(1 << 16) * 3, [1 << 16]],
      [(1 << 16) + 4095, [65_537]],
      [5000, [7]],
    ] as const) {
      const content = randomBytes(size);
      const { path, file } = await restore(content, [...pieces], io, `f${size}`);
      await file.finish();
      expect(statSync(path).size, `size ${size}`).to.equal(size);
      expect(sha(readFileSync(path)), `content ${size}`).to.equal(sha(content));
    }
    expect(io.direct, 'this disk takes O_DIRECT').to.equal(true);
  });

  it('refuses to overwrite an existing file, and a failed file releases its slab for the next', async () => {
    const io: RestoreIo = { slabs: new AlignedSlabs(1, 1 << 16), direct: true };
    const first = await restore(randomBytes((1 << 16) + 10), [1 << 15], io, 'a');
    await first.file.abandon();
    let refused: NodeJS.ErrnoException | undefined;
    await RestoredFile.create(first.path, { mode: 0o600, size: 1 << 20 }, io).catch((error: NodeJS.ErrnoException) => (refused = error));
    expect(refused?.code).to.equal('EEXIST');
    // One slab in the pool: had abandon kept it, this write would wait forever.
    const content = randomBytes((1 << 16) * 2 + 1);
    const second = await restore(content, [1 << 16], io, 'b');
    await second.file.finish();
    expect(sha(readFileSync(second.path))).to.equal(sha(content));
  });
});
