import { expect } from 'chai';
import type { FailoverCluster } from '../../activities/failover/FailoverCluster.ts';
import type { MemberState } from '../../activities/failover/MemberState.ts';
import { pickCandidate } from '../../activities/failover/pickCandidate.ts';
import { syncStandbyNames } from '../../activities/failover/syncStandbyNames.ts';
import { expectCodeSync } from '../migrations/expectCode.ts';

const cluster = (mode: FailoverCluster['replication']['mode'], members = ['p', 'a', 'b'], count = 1): FailoverCluster => ({
  name: 'c',
  members: members.map((name, i) => ({ name, host: '127.0.0.1', port: 50000 + i })),
  replication: { mode, method: 'ANY', count },
  health: { intervalMs: 200, timeoutMs: 150, unhealthyThreshold: 2 },
});

const up = (name: string, flushLsn: string, replayLsn = flushLsn): MemberState => ({ name, reachable: true, inRecovery: true, timeline: 1, flushLsn, replayLsn, upstream: null, latencyMs: 1, error: null });
const down = (name: string): MemberState => ({ name, reachable: false, inRecovery: null, timeline: null, flushLsn: null, replayLsn: null, upstream: null, latencyMs: 1, error: 'ECONNREFUSED' });

describe('choosing the replica to promote', () => {
  it('takes the most WAL received, then replayed, then the name; every candidate keeps its reason', () => {
    const choice = pickCandidate(cluster('async'), 'p', [down('p'), up('a', '0/3000060'), up('b', '0/3000100')]);
    expect(choice.chosen).to.equal('b');
    expect(choice.candidates.find((c) => c.name === 'a')?.excluded).to.equal('less WAL received than the chosen one');
    expect(pickCandidate(cluster('async'), 'p', [down('p'), up('a', '0/5', '0/4'), up('b', '0/5', '0/3')]).chosen, 'replayed breaks a tie').to.equal('a');
    expect(pickCandidate(cluster('async'), 'p', [down('p'), up('b', '0/5'), up('a', '0/5')]).chosen, 'then the name').to.equal('a');
    expect(pickCandidate(cluster('async'), 'p', [down('p'), up('a', 'F/0'), up('b', '10/0')]).chosen, 'LSNs compare as numbers').to.equal('b');
  });

  it('in sync mode promotes only when enough standbys answer to hold every acknowledged commit (any standbys − count + 1)', () => {
    expectCodeSync(() => pickCandidate(cluster('sync'), 'p', [down('p'), up('a', '0/5'), down('b')]), 'DBA_FAILOVER_NO_CANDIDATE');
    expect(pickCandidate(cluster('async'), 'p', [down('p'), up('a', '0/5'), down('b')]).chosen, 'async takes what answers').to.equal('a');
    expect(pickCandidate(cluster('sync', ['p', 'a', 'b'], 2), 'p', [down('p'), up('a', '0/5'), down('b')]).chosen, 'ANY 2 of 2: every standby has every commit').to.equal('a');
    expectCodeSync(() => pickCandidate(cluster('strict'), 'p', [down('p'), down('a'), down('b')]), 'DBA_FAILOVER_NO_CANDIDATE');
  });

  it('refuses a cluster without replicas, and never picks a member that is not a standby', () => {
    expectCodeSync(() => pickCandidate(cluster('async', ['p']), 'p', [down('p')]), 'DBA_FAILOVER_NO_REPLICA');
    const primaryAlready = { ...up('a', '0/9'), inRecovery: false };
    expect(pickCandidate(cluster('async'), 'p', [down('p'), primaryAlready, up('b', '0/5')]).chosen).to.equal('b');
  });

  it('names every other member in the new primary\'s synchronous_standby_names, and relaxes sync (not strict) to async with no standby left', () => {
    expect(syncStandbyNames(cluster('sync'), 'a', 1)).to.equal('ANY 1 ("p", "b")');
    expect(syncStandbyNames(cluster('sync'), 'a', 0)).to.equal('');
    expect(syncStandbyNames(cluster('strict'), 'a', 0)).to.equal('ANY 1 ("p", "b")');
    expect(syncStandbyNames(cluster('async'), 'a', 2)).to.equal('');
  });
});
