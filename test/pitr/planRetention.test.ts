import { expect } from 'chai';
import { planRetention, type ArchivedWalFile, type RetentionBackup } from '../../activities/backup/retention/planRetention.ts';
import { parseWalFileName, walSegmentName } from '../../activities/backup/wal/WalFileName.ts';

const hour = 3_600_000;
const day = 24 * hour;
const base = new Date('2026-01-01T00:00:00Z').getTime();

/** One WAL segment archived per hour (segment s at base + s h) and a backup at 03:00 each day needing its hour's segment. */
function history(days: number, backupDays: (d: number) => boolean = () => true): { backups: RetentionBackup[]; wal: ArchivedWalFile[] } {
  const wal = Array.from({ length: days * 24 }, (_, s) => ({ name: walSegmentName(1, BigInt(s)), archivedAt: new Date(base + s * hour) }));
  const backups = Array.from({ length: days }, (_, d) => d)
    .filter(backupDays)
    .map((d) => ({ id: `day${d}`, stopTime: new Date(base + d * day + 3 * hour), timeline: 1, startSegment: BigInt(d * 24 + 3), stopSegment: BigInt(d * 24 + 3) }));
  return { backups, wal };
}

const segments = (plan: { deletedWal: readonly string[] }) =>
  plan.deletedWal.map((name) => {
    const file = parseWalFileName(name);
    if (file?.kind !== 'segment') throw new Error(`not a segment: ${name}`);
    return Number(file.segment);
  });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('pitr: retention planning with synthetic ages', () => {
  it('seed policy (30d backups, 7d WAL, 7d window) after 40 daily backups: days 0-9 expire; WAL older than 7d goes unless a kept backup or the window needs it', () => {
    const { backups, wal } = history(40);
    const plan = planRetention(backups, wal, { backupRetentionMs: 30 * day, walRetentionMs: 7 * day, recoveryWindowMs: 7 * day }, new Date(base + 40 * day));
    expect(plan.expiredBackups.map((backup) => backup.id)).to.deep.equal(range(0, 10).map((d) => `day${d}`));
    expect(plan.keptBackups).to.deep.equal(range(10, 40).map((d) => `day${d}`));
    // The window opens at day 33 00:00; its base is the day-32 backup (stop 32d 03:00, segment 771): from there on all WAL stays.
    // Before that, each kept backup's own segment (d*24+3, d >= 10) stays; every other segment older than 7 days goes.
    const expected = range(0, 771).filter((s) => !(s % 24 === 3 && s >= 240));
    expect(segments(plan)).to.deep.equal(expected);
    expect(plan.keptWal).to.equal(40 * 24 - expected.length);
    expect(plan.retainedPastExpiry).to.deep.equal([]);
  });

  it('keeps WAL younger than the WAL retention even when no backup needs it', () => {
    const { backups, wal } = history(10);
    // Backup retention 1 day, WAL 7 days, no PITR: day9 (21h old) is kept, day0-day8 expire (day8 is 1d21h old).
    const plan = planRetention(backups, wal, { backupRetentionMs: 1 * day, walRetentionMs: 7 * day }, new Date(base + 10 * day));
    expect(plan.keptBackups).to.deep.equal(['day9']);
    // Age > 7d means s < 72; none of those is needed (day9 needs everything from 219); 72-218 are younger than 7 days.
    expect(segments(plan)).to.deep.equal(range(0, 72));
  });

  it('without a WAL retention removes all WAL no kept backup needs, and never the segments of the newest backup onwards', () => {
    const { backups, wal } = history(5);
    const plan = planRetention(backups, wal, { backupRetentionMs: 2 * day }, new Date(base + 5 * day));
    // Kept: day3 (1d21h), day4; day2 (2d21h) and older expire. Needed: 75 (day3's) and everything from 99 (the newest's start).
    expect(plan.keptBackups).to.deep.equal(['day3', 'day4']);
    expect(segments(plan)).to.deep.equal(range(0, 99).filter((s) => s !== 75));
  });

  it('keeps the newest backup and its WAL even when it is past retention, and the window base although expired', () => {
    // Backups on days 0, 1 and 2 only; now is day 40: all expired.
    const { backups, wal } = history(3);
    const plan = planRetention(backups, wal, { backupRetentionMs: 30 * day, walRetentionMs: 7 * day, recoveryWindowMs: 7 * day }, new Date(base + 40 * day));
    expect(plan.keptBackups).to.deep.equal(['day2']);
    expect(plan.retainedPastExpiry).to.deep.equal([{ id: 'day2', reason: 'newest' }]);
    expect(segments(plan)).to.deep.equal(range(0, 51));

    // A window of 39 days opens at day 1 00:00: its base is day0 (the newest consistent before it), kept past expiry.
    const wide = planRetention(backups, wal, { backupRetentionMs: 30 * day, walRetentionMs: 7 * day, recoveryWindowMs: 39 * day }, new Date(base + 40 * day));
    expect(wide.keptBackups).to.deep.equal(['day0', 'day2']);
    expect(wide.expiredBackups.map((backup) => backup.id)).to.deep.equal(['day1']);
    expect(wide.retainedPastExpiry).to.deep.equal([{ id: 'day0', reason: 'recovery-window' }, { id: 'day2', reason: 'newest' }]);
    expect(segments(wide)).to.deep.equal(range(0, 3));
  });

  it('never removes timeline history files, later timelines of the window, or names it does not know', () => {
    const { backups, wal } = history(2);
    const extra = [
      { name: '00000002.history', archivedAt: new Date(base) },
      { name: walSegmentName(2, 30n), archivedAt: new Date(base) },
      { name: 'README', archivedAt: new Date(base) },
    ];
    const plan = planRetention(backups, [...wal, ...extra], { backupRetentionMs: 30 * day, walRetentionMs: 0, recoveryWindowMs: 30 * day }, new Date(base + 30 * day));
    // Window base day0 (start 3): segments 0-2 on timeline 1 go; timeline 2 from 3 on stays.
    expect(plan.deletedWal).to.deep.equal([0, 1, 2].map((s) => walSegmentName(1, BigInt(s))));
  });
});
