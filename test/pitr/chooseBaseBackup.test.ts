import { expect } from 'chai';
import { chooseBaseBackup } from '../../activities/backup/restore/chooseBaseBackup.ts';
import { findWalGap } from '../../activities/backup/restore/findWalGap.ts';
import { parseRecoveryTarget } from '../../activities/backup/restore/parseRecoveryTarget.ts';
import type { RestorableBackup } from '../../activities/backup/restore/RestorableBackup.ts';
import { parseLsn } from '../../activities/backup/wal/Lsn.ts';
import { defaultWalSegmentSize, walSegmentName } from '../../activities/backup/wal/WalFileName.ts';
import { expectCodeSync } from '../migrations/expectCode.ts';

const day = 86_400_000;
const now = new Date('2026-02-01T00:00:00Z');
const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day);
/** Backups 10, 5 and 1 days ago; LSNs grow with time. */
const backups: RestorableBackup[] = [10, 5, 1].map((ago) => ({
  id: `b${ago}`,
  timeline: 1,
  startLsn: BigInt(100 - ago) << 24n,
  stopLsn: (BigInt(100 - ago) << 24n) + 1000n,
  stopTime: at(ago),
}));
const week = 7 * day;

describe('pitr: recovery targets and the base backup for them', () => {
  it('parses exactly one target, and refuses malformed ones before anything is touched', () => {
    expect(parseRecoveryTarget({ targetLsn: '0/3000060' })).to.deep.equal({ kind: 'lsn', lsn: 0x3000060n });
    expect(parseRecoveryTarget({ targetTime: '2026-01-02T03:04:05.123+01:00' })).to.deep.equal({ kind: 'time', time: new Date('2026-01-02T02:04:05.123Z'), text: '2026-01-02T03:04:05.123+01:00' });
    expect(parseRecoveryTarget({ targetTime: '2026-01-02 03:04:05.123456+00' })).to.deep.equal({ kind: 'time', time: new Date('2026-01-02T03:04:05.123Z'), text: '2026-01-02 03:04:05.123456+00' });
    expect(parseRecoveryTarget({ targetXid: '731' })).to.deep.equal({ kind: 'xid', xid: '731' });
    expect(parseRecoveryTarget({ targetName: 'before_deploy' })).to.deep.equal({ kind: 'name', name: 'before_deploy' });
    expect(parseRecoveryTarget({})).to.deep.equal({ kind: 'latest' });
    for (const input of [{ targetLsn: '3000060' }, { targetTime: '2026-01-02 03:04:05' }, { targetTime: 'soon Z' }, { targetXid: '-4' }, { targetName: 'x'.repeat(64) }, { targetXid: '1', targetName: 'a' }]) {
      expectCodeSync(() => parseRecoveryTarget(input), 'DBA_RESTORE_TARGET_INVALID');
    }
  });

  it('picks the newest backup consistent at or before a time or LSN target', () => {
    expect(chooseBaseBackup({ kind: 'time', text: '', time: at(3) }, backups, now, week).id).to.equal('b5');
    expect(chooseBaseBackup({ kind: 'time', text: '', time: at(0.5) }, backups, now, week).id).to.equal('b1');
    expect(chooseBaseBackup({ kind: 'lsn', lsn: backups[1]!.stopLsn }, backups, now, week).id).to.equal('b5');
    expect(chooseBaseBackup({ kind: 'lsn', lsn: backups[1]!.stopLsn - 1n }, backups, now).id).to.equal('b10');
    expect(chooseBaseBackup({ kind: 'latest' }, backups, now, week).id).to.equal('b1');
  });

  it('xid and restore point targets replay from the window base, the newest backup consistent before the window opened', () => {
    expect(chooseBaseBackup({ kind: 'xid', xid: '9' }, backups, now, week).id).to.equal('b10');
    expect(chooseBaseBackup({ kind: 'name', name: 'x' }, backups, now, 2 * day).id).to.equal('b5');
  });

  it('refuses a time outside the window or in the future, and a time or LSN before the oldest backup, with their codes', () => {
    const outside = expectCodeSync(() => chooseBaseBackup({ kind: 'time', text: '', time: at(8) }, backups, now, week), 'DBA_RESTORE_TARGET_OUTSIDE_WINDOW');
    expect(outside.details.windowStart).to.equal(at(7).toISOString());
    expectCodeSync(() => chooseBaseBackup({ kind: 'time', text: '', time: new Date(now.getTime() + 1000) }, backups, now, week), 'DBA_RESTORE_TARGET_OUTSIDE_WINDOW');
    const before = expectCodeSync(() => chooseBaseBackup({ kind: 'time', text: '', time: at(11) }, backups, now), 'DBA_RESTORE_TARGET_BEFORE_BACKUPS');
    expect(before.details.oldestBackup).to.equal('b10');
    expectCodeSync(() => chooseBaseBackup({ kind: 'lsn', lsn: parseLsn('0/1')! }, backups, now), 'DBA_RESTORE_TARGET_BEFORE_BACKUPS');
    // Before the window base's consistent point: written before the window opened.
    expectCodeSync(() => chooseBaseBackup({ kind: 'lsn', lsn: backups[0]!.stopLsn - 1n }, backups, now, 2 * day), 'DBA_RESTORE_TARGET_BEFORE_BACKUPS');
    expectCodeSync(() => chooseBaseBackup({ kind: 'lsn', lsn: backups[1]!.stopLsn - 1n }, backups, now, 2 * day), 'DBA_RESTORE_TARGET_OUTSIDE_WINDOW');
    expectCodeSync(() => chooseBaseBackup({ kind: 'latest' }, [], now), 'DBA_RESTORE_NO_BACKUP');
  });

  it('names the first WAL segment missing between a backup start and the end of the archive (or a given segment)', () => {
    const names = [3, 4, 5, 7, 8].map((s) => walSegmentName(1, BigInt(s)));
    const size = defaultWalSegmentSize;
    expect(findWalGap(names, 1, 3n, size)).to.equal(walSegmentName(1, 6n));
    expect(findWalGap(names, 1, 3n, size, 5n)).to.equal(undefined);
    expect(findWalGap(names, 1, 7n, size)).to.equal(undefined);
    expect(findWalGap(names, 1, 7n, size, 9n)).to.equal(walSegmentName(1, 9n));
    expect(findWalGap([...names.slice(0, 3), `${walSegmentName(1, 6n)}.partial`, '00000002.history', walSegmentName(2, 9n)], 1, 3n, size)).to.equal(undefined);
    expect(findWalGap(names, 1, 2n, size)).to.equal(walSegmentName(1, 2n));
    expect(findWalGap([], 1, 2n, size)).to.equal(walSegmentName(1, 2n));
  });
});
