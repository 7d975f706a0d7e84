import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { applyRetention } from '../../activities/backup/retention/applyRetention.ts';
import { openObjectStore } from '../../activities/backup/store/openObjectStore.ts';
import { formatLsn } from '../../activities/backup/wal/Lsn.ts';
import { walSegmentName } from '../../activities/backup/wal/WalFileName.ts';
import { repoRoot } from '../support/childProcess.ts';
import { deploymentSection } from '../support/deploymentSection.ts';

const run = promisify(execFile);
const day = 86_400_000;
const segment = 16n * 1024n * 1024n;

/**
 * Retention against real file:// stores: synthetic backups (manifests as takeBaseBackup writes them, a data object
 * each) and WAL files whose modification times are set to synthetic ages. One backup a day for 12 days at 03:00,
 * one WAL segment every 6 hours; policy 7d backups, 3d WAL, 4d window.
 */
describe('pitr: retention applied to the stores, and dbarch backup list', function () {
  this.timeout(60_000);
  let work: string;
  const now = new Date('2026-03-01T00:00:00Z');
  const base = now.getTime() - 12 * day;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'dbarch-retention-'));
    const write = (path: string, content: string, at: Date) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      utimesSync(path, at, at);
    };
    for (let d = 0; d < 12; d++) {
      const stop = new Date(base + d * day + 3 * 3_600_000);
      const start = BigInt(d * 4) * segment + 40n;
      const manifest = {
        formatVersion: 1, kind: 'base', backupId: `day${d}`, cluster: 'main', attempt: 'a1', startedAt: stop.toISOString(), finishedAt: stop.toISOString(),
        serverVersion: '15', serverVersionNum: 150000, systemIdentifier: '1', timeline: 1, startLsn: formatLsn(start), stopLsn: formatLsn(start + 1000n), walIncluded: true,
        compression: { algorithm: 'zstd', level: 3 }, encryption: null, objects: [{ key: `day${d}/a1/base.tar.zst`, role: 'base.tar', storedBytes: 4, sha256: '', tarBytes: 4 }],
        totals: { files: 1, bytes: 4, storedBytes: 4 }, files: [],
      };
      write(join(work, 'base', `day${d}`, 'a1', 'base.tar.zst'), 'data', stop);
      write(join(work, 'base', `day${d}`, 'backup.json'), JSON.stringify(manifest), stop);
    }
    for (let s = 0; s < 48; s++) write(join(work, 'wal', 'wal', walSegmentName(1, BigInt(s))), 'x', new Date(base + s * 6 * 3_600_000));
    write(join(work, 'wal', 'wal', '00000002.history'), 'h', new Date(base));
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  const stores = () => ({ backups: openObjectStore(`file://${work}/base/`), wal: openObjectStore(`file://${work}/wal/`) });
  const policy = { backupRetentionMs: 7 * day, walRetentionMs: 3 * day, recoveryWindowMs: 4 * day };

  it('a dry run changes nothing; the run removes exactly the planned backups (manifest and data) and WAL; a second run removes nothing', async () => {
    const { backups, wal } = stores();
    const dry = await applyRetention(backups, wal, policy, { dryRun: true, now });
    expect(dry.applied).to.equal(false);
    // Backups of days 0-4 are older than 7 days (day 5 stopped 6d21h ago); the window (from day 8 00:00) has day 7 as its base, kept anyway.
    expect(dry.expiredBackups.map((b) => b.id)).to.deep.equal(['day0', 'day1', 'day2', 'day3', 'day4']);
    // WAL older than 3 days: segments 0-35 (segment 36 is exactly 3 days old, not older). Needed: each kept backup's
    // own segment (4d for d >= 5) and everything from the window base's start (segment 28) on.
    const expected = Array.from({ length: 28 }, (_, s) => s).filter((s) => !(s % 4 === 0 && s >= 20)).map((s) => walSegmentName(1, BigInt(s)));
    expect(dry.deletedWal).to.deep.equal(expected);
    expect((await backups.list('')).length).to.equal(24);

    const applied = await applyRetention(backups, wal, policy, { now });
    expect(applied.deletedObjects).to.equal(5 * 2 + expected.length);
    const remaining = (await backups.list('')).map((o) => o.key);
    expect(remaining.filter((key) => key.startsWith('day0/') || key.startsWith('day4/'))).to.deep.equal([]);
    expect(remaining.filter((key) => key.endsWith('backup.json'))).to.have.length(7);
    const walLeft = (await wal.list('wal/')).map((o) => o.key.slice(4));
    expect(walLeft).to.include('00000002.history');
    expect(walLeft).to.have.length(49 - expected.length);

    const again = await applyRetention(backups, wal, policy, { now });
    expect(again.expiredBackups).to.deep.equal([]);
    expect(again.deletedWal).to.deep.equal([]);
  });

  it('dbarch backup list --format json shows each backup, its size, WAL range and place in the recovery window', async () => {
    const spec = join(work, 'spec.yaml');
    writeFileSync(
      spec,
      `${deploymentSection('app')}backup_config:
  strategy: continuous
  cluster: main
  base_backups: { frequency: daily, retention: 7d, destination: "file://${work}/base/" }
  wal_archiving: { enabled: true, destination: "file://${work}/wal/", compression: gzip, retention: 3d }
  point_in_time_recovery: { enabled: true, recovery_window: 3d }
clusters:
  - { name: main, primary: "postgres://127.0.0.1:1/x", databases: [app] }
`,
    );
    const { stdout } = await run(process.execPath, [join(repoRoot, 'bin/dbarch.js'), 'backup', 'list', spec, '--format', 'json'], { cwd: repoRoot });
    const inventory = JSON.parse(stdout) as { backups: { backupId: string; walFrom: string; walThrough: string | null; window: string; storedBytes: number }[]; wal: { files: number } };
    expect(inventory.backups.map((b) => b.backupId)).to.deep.equal(['day5', 'day6', 'day7', 'day8', 'day9', 'day10', 'day11']);
    // Run now, not at the synthetic time: every backup is weeks old, so all are outside the 3-day window but its base.
    expect(inventory.backups.map((b) => b.window)).to.deep.equal(['outside', 'outside', 'outside', 'outside', 'outside', 'outside', 'base']);
    const day5 = inventory.backups[0]!;
    expect(day5.walFrom).to.equal(walSegmentName(1, 20n));
    // Segments 21-27 were removed by retention (not needed): day5's chain stops at its own segment.
    expect(day5.walThrough).to.equal(walSegmentName(1, 20n));
    expect(inventory.backups.at(-1)!.walThrough).to.equal(walSegmentName(1, 47n));
    expect(day5.storedBytes).to.equal(4);
  });
});
