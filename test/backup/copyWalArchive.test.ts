import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyWalArchive } from '../../activities/backup/copy/copyWalArchive.ts';
import { localKeyProvider } from '../../activities/backup/crypto/localKeyProvider.ts';
import { fileStore } from '../../activities/backup/store/fileStore.ts';
import type { WalArchive } from '../../activities/backup/wal/WalArchive.ts';
import { fetchWalFile } from '../../activities/backup/wal/fetchWalFile.ts';
import { pushWalFile } from '../../activities/backup/wal/pushWalFile.ts';
import { crossRegionCopySource } from '../../activities/monitoring/sources/crossRegionCopySource.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';

/** cross_region_replication for WAL: the archive, as stored, into a second destination; gapless, never overwriting. */
describe('cross-region copy of the WAL archive (file:// to file://)', function () {
  this.timeout(30_000);
  const segmentSize = 1 << 20;
  const keys = localKeyProvider(randomBytes(32));
  let dir: string;
  const archiveAt = (name: string): WalArchive => {
    const destination = `file://${join(dir, name)}/`;
    return { store: fileStore(destination, join(dir, name)), config: { destination, compression: 'gzip', segmentSize }, keys };
  };
  const segment = async (name: string, content = randomBytes(segmentSize)) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return { path, content };
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dbarch-walcopy-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies what the copy lacks, oldest first, with its lag; a second run copies nothing; the copy fetches', async () => {
    const [east, west] = [archiveAt('east'), archiveAt('west')];
    const names = ['000000010000000000000001', '000000010000000000000002', '000000010000000000000003'];
    const contents = new Map<string, Buffer>();
    for (const name of names) {
      const { path, content } = await segment(name);
      contents.set(name, content);
      await pushWalFile(east, path);
    }
    // The copy already has the first (an earlier run): only the other two are written.
    await west.store.put(`wal/${names[0]}`, await east.store.getBytes(`wal/${names[0]}`));
    const signal = new AbortController().signal;
    const later = new Date(Date.now() + 60_000);
    // The exporter's view of the lag, before and after.
    const lag = crossRegionCopySource('main', { wal: east.store, backups: archiveAt('base').store, copy: west.store }, 0, () => later.getTime());
    const figures = async () => Object.fromEntries((await lag.collect()).map((s) => [s.family.name, s.value]));
    const before = await figures();
    expect(before).to.include({ dbarch_backup_copy_wal_files_behind: 2, dbarch_backup_copy_base_backups_behind: 0 });
    expect(before.dbarch_backup_copy_wal_lag_seconds).to.be.within(59, 120);
    const progress: number[] = [];
    const first = await copyWalArchive(east.store, west.store, { signal, now: () => later, progress: (p) => progress.push(p.pending) });
    expect(first).to.include({ copied: 2, present: 1, newest: names[2] });
    expect(first.lagSeconds).to.be.within(59, 120);
    expect(progress).to.deep.equal([1, 0]);
    const second = await copyWalArchive(east.store, west.store, { signal });
    expect(second).to.include({ copied: 0, copiedBytes: 0, present: 3, lagSeconds: 0 });
    expect(await figures()).to.include({ dbarch_backup_copy_wal_files_behind: 0, dbarch_backup_copy_wal_lag_seconds: 0 });
    for (const name of names) {
      const out = join(dir, `restored-${name}`);
      await fetchWalFile(west, name, out);
      expect((await readFile(out)).equals(contents.get(name)!)).to.equal(true);
    }
  });

  it('a name the copy holds with the same WAL stored otherwise (another compression) counts as present, not copied', async () => {
    const east = archiveAt('east');
    const west: WalArchive = { ...archiveAt('west'), config: { ...archiveAt('west').config, compression: 'none' } };
    const name = '000000010000000000000009';
    const { path } = await segment(name);
    await pushWalFile(east, path);
    await pushWalFile(west, path);
    const before = await west.store.getBytes(`wal/${name}`);
    expect(before.length).to.not.equal((await east.store.getBytes(`wal/${name}`)).length);
    const result = await copyWalArchive(east.store, west.store, { signal: new AbortController().signal });
    expect(result).to.include({ copied: 0, copiedBytes: 0, present: 1 });
    expect((await west.store.getBytes(`wal/${name}`)).equals(before)).to.equal(true);
  });

  it('a name the copy holds with other content is DBA_WAL_SEGMENT_CONFLICT and the copy keeps its own', async () => {
    const [east, west] = [archiveAt('east'), archiveAt('west')];
    const name = '000000010000000000000007';
    await pushWalFile(east, (await segment(name)).path);
    // Other content of another stored size (zeros compress): the copier reads back names it finds with a size of
    // their own, not every file it skipped, which would cost a full read of the copy on every run.
    const other = await segment(name, Buffer.alloc(segmentSize));
    await pushWalFile(west, other.path);
    const before = await west.store.getBytes(`wal/${name}`);
    const error = await copyWalArchive(east.store, west.store, { signal: new AbortController().signal }).then(() => undefined, (e: unknown) => e);
    expect(isDbarchError(error) && error.code).to.equal('DBA_WAL_SEGMENT_CONFLICT');
    expect((await west.store.getBytes(`wal/${name}`)).equals(before)).to.equal(true);
  });
});
