import { expect } from 'chai';
import { createServer } from 'node:net';
import pg from 'pg';
import { livePostmaster } from '../../activities/cluster/inspectMember.ts';
import { managedCluster } from '../../activities/cluster/ManagedCluster.ts';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { stopMemberServer } from '../../activities/cluster/memberServer.ts';
import { provisionCluster } from '../../activities/cluster/provisionCluster.ts';
import { readClusterStatus } from '../../activities/cluster/readClusterStatus.ts';
import { reconcileSynchronousMode } from '../../activities/cluster/reconcileSynchronousMode.ts';
import { rejoinMember } from '../../activities/cluster/rejoinMember.ts';
import { stopCluster } from '../../activities/cluster/stopCluster.ts';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import type { DbarchError } from '../../errors/DbarchError.ts';
import { eventually } from '../support/childProcess.ts';
import { haFixture, type HaFixture } from './haCluster.ts';

async function sql<R extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as DbarchError).code;
  }
  throw new Error('expected a coded error');
}

describe('cluster engine: provision, idempotent re-run, bad input, rejoin, down', function () {
  this.timeout(120_000);
  let ha: HaFixture;
  const pids = () => Object.fromEntries(ha.cluster.members.map((m) => [m.name, livePostmaster(memberPaths(ha.cluster, m).data) ?? null]));
  const member = (name: string) => {
    const m = ha.cluster.members.find((x) => x.name === name);
    if (m === undefined) throw new Error(name);
    return m;
  };

  before(async () => {
    ha = await haFixture();
  });
  after(async () => {
    await ha.cleanup();
  });

  it('provisions a primary with data checksums and two standbys streaming synchronously through their slots', async () => {
    const result = await provisionCluster(ha.cluster, { checkTimeoutMs: 1000 });
    expect(result.primary).to.equal('ha1');
    expect(result.timeline).to.equal(1);
    expect(result.members).to.deep.equal([
      { member: 'ha1', role: 'primary', action: 'created' },
      { member: 'ha2', role: 'standby', action: 'created' },
      { member: 'ha3', role: 'standby', action: 'created' },
    ]);
    const status = await readClusterStatus(ha.cluster, 2000);
    expect(status.primary).to.equal('ha1');
    expect(status.members.map((m) => [m.member, m.role, m.syncState])).to.deep.equal([['ha1', 'primary', null], ['ha2', 'standby', 'quorum'], ['ha3', 'standby', 'quorum']]);
    const primary = status.members[0];
    expect(primary?.slots.map((s) => [s.slot, s.active])).to.deep.equal([['ha2', true], ['ha3', true]]);
    const url = memberUrl(member('ha1'));
    expect(await sql(url, 'SHOW data_checksums')).to.deep.equal([{ data_checksums: 'on' }]);
    expect(await sql(url, 'SHOW synchronous_standby_names')).to.deep.equal([{ synchronous_standby_names: 'ANY 1 (ha1, ha2, ha3)' }]);
    await sql(url, 'CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)');
    // synchronous_commit = on waits for one standby's flush, not for replay everywhere: wait for ha3 to show it.
    expect(await eventually(async () => (await sql<{ id: number }>(memberUrl(member('ha3')), 'SELECT id FROM t').catch(() => [])).at(0), 'the row replayed on ha3', 10_000)).to.deep.equal({ id: 1 });
  });

  it('leaves a healthy cluster alone on a re-run, and starts only a stopped standby', async () => {
    const before = pids();
    const again = await provisionCluster(ha.cluster, { checkTimeoutMs: 1000 });
    expect(again.members.map((m) => m.action)).to.deep.equal(['left', 'left', 'left']);
    expect(pids()).to.deep.equal(before);
    await stopMemberServer(memberPaths(ha.cluster, member('ha3')));
    const third = await provisionCluster(ha.cluster, { checkTimeoutMs: 1000 });
    expect(third.members.map((m) => m.action)).to.deep.equal(['left', 'left', 'started']);
    expect(pids().ha1).to.equal(before.ha1);
    expect((await readClusterStatus(ha.cluster, 2000)).members.map((m) => m.role)).to.deep.equal(['primary', 'standby', 'standby']);
  });

  it('refuses a member port held by another program: DBA_CLUSTER_PORT_TAKEN, nothing changed', async () => {
    await stopMemberServer(memberPaths(ha.cluster, member('ha2')));
    const before = pids();
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(member('ha2').port, '127.0.0.1', resolve));
    try {
      expect(await codeOf(() => provisionCluster(ha.cluster, { checkTimeoutMs: 1000 }))).to.equal('DBA_CLUSTER_PORT_TAKEN');
      expect(pids()).to.deep.equal(before);
      expect(before.ha2).to.equal(null);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    expect((await provisionCluster(ha.cluster, { checkTimeoutMs: 1000 })).members.map((m) => m.action)).to.deep.equal(['left', 'started', 'left']);
  });

  it('refuses a member whose server lives but does not answer: DBA_CLUSTER_MEMBER_UNREACHABLE, nothing changed', async () => {
    const before = pids();
    const frozen = before.ha3;
    if (frozen === null || frozen === undefined) throw new Error('ha3 is not running');
    process.kill(frozen, 'SIGSTOP');
    try {
      expect(await codeOf(() => provisionCluster(ha.cluster, { checkTimeoutMs: 500 }))).to.equal('DBA_CLUSTER_MEMBER_UNREACHABLE');
      expect(pids()).to.deep.equal(before);
    } finally {
      process.kill(frozen, 'SIGCONT');
    }
  });

  it('refuses members on another machine (DBA_CLUSTER_NOT_LOCAL) and an unmanaged cluster name (DBA_CLUSTER_UNKNOWN)', async () => {
    const remote = { ...ha.cluster, members: [{ name: 'far', host: '192.0.2.10', port: 5432 }] };
    expect(await codeOf(() => provisionCluster(remote))).to.equal('DBA_CLUSTER_NOT_LOCAL');
    expect(await codeOf(() => Promise.resolve().then(() => managedCluster([{ name: 'ext', primary: 'postgres://x@127.0.0.1/db', databases: ['db'] }], 'ext')))).to.equal('DBA_CLUSTER_UNKNOWN');
  });

  it('rejoins a killed former primary as a standby of the promoted one through pg_rewind, never as a primary', async () => {
    const ha1 = memberPaths(ha.cluster, member('ha1'));
    await sql(memberUrl(member('ha1')), 'INSERT INTO t VALUES (2)');
    await stopMemberServer(ha1, 'immediate');
    await sql(memberUrl(member('ha2')), 'SELECT pg_promote(true, 30)');
    // ha3 still follows the dead ha1, so no standby confirms ha2's commits yet: commit locally.
    await sql(memberUrl(member('ha2')), 'SET synchronous_commit = local; INSERT INTO t VALUES (3)');
    const result = await rejoinMember(ha.cluster, 'ha1', member('ha2'));
    expect(result).to.deep.equal({ member: 'ha1', primary: 'ha2', method: 'rewind', stopped: false });
    expect(await sql(memberUrl(member('ha1')), 'SELECT pg_is_in_recovery() AS r')).to.deep.equal([{ r: true }]);
    expect(await eventually(async () => { const rows = await sql<{ id: number }>(memberUrl(member('ha1')), 'SELECT id FROM t ORDER BY id'); return rows.length === 3 ? rows : undefined; }, 'row 3 replayed on ha1', 10_000)).to.deep.equal([{ id: 1 }, { id: 2 }, { id: 3 }]);
    const status = await readClusterStatus(ha.cluster, 2000);
    expect(status.primaries).to.deep.equal(['ha2']);
    expect(status.members.find((m) => m.member === 'ha1')?.timeline).to.equal(2);
    expect(await codeOf(() => rejoinMember(ha.cluster, 'ha2', member('ha2')))).to.equal('DBA_CLUSTER_REJOIN_INVALID');
    // Rejoined already: a second rejoin changes nothing.
    expect((await rejoinMember(ha.cluster, 'ha1', member('ha2'))).method).to.equal('none');
  });

  it('sync mode relaxes to async when no standby streams and a rejoin restores the spec\'s standbys; strict never relaxes', async () => {
    const ha1 = memberPaths(ha.cluster, member('ha1'));
    await stopMemberServer(memberPaths(ha.cluster, member('ha3')));
    await stopMemberServer(ha1);
    const strict = await reconcileSynchronousMode({ ...ha.cluster, mode: 'strict' }, member('ha2'));
    expect(strict).to.deep.include({ synchronousStandbyNames: 'ANY 1 (ha1, ha2, ha3)', changed: false, streaming: [] });
    const relaxed = await reconcileSynchronousMode(ha.cluster, member('ha2'));
    expect(relaxed).to.deep.include({ synchronousStandbyNames: '', changed: true, relaxed: true });
    // A commit no standby confirms returns at once now (it would wait forever under the spec's value).
    await sql(memberUrl(member('ha2')), "SET statement_timeout = '5s'; INSERT INTO t VALUES (4)");
    // Rejoining a standby to the relaxed primary restores the spec's value once it streams (and it becomes a candidate).
    expect((await rejoinMember(ha.cluster, 'ha1', member('ha2'))).method).to.equal('rewind');
    expect(await sql(memberUrl(member('ha2')), 'SHOW synchronous_standby_names')).to.deep.equal([{ synchronous_standby_names: 'ANY 1 (ha1, ha2, ha3)' }]);
    expect((await readClusterStatus(ha.cluster, 2000)).members[0]?.syncState).to.equal('quorum');
    const again = await reconcileSynchronousMode(ha.cluster, member('ha2'));
    expect(again).to.deep.include({ synchronousStandbyNames: 'ANY 1 (ha1, ha2, ha3)', changed: false, relaxed: false });
  });

  it('stops every member on down, and a re-run of up with the published primary keeps it primary', async () => {
    const stopped = await stopCluster(ha.cluster);
    expect(stopped.map((s) => s.stopped)).to.deep.equal([true, true, false]);
    expect(Object.values(pids())).to.deep.equal([null, null, null]);
    const up = await provisionCluster(ha.cluster, { primary: 'ha2', checkTimeoutMs: 1000 });
    expect(up.primary).to.equal('ha2');
    expect(up.members.slice(0, 2).map((m) => [m.member, m.role, m.action])).to.deep.equal([['ha1', 'standby', 'started'], ['ha2', 'primary', 'started']]);
    // ha3 followed ha1 until ha1 was killed: it starts on ha2's timeline, or is rewound onto it when it went past the fork.
    expect(up.members[2]?.action).to.be.oneOf(['started', 'rejoined']);
    expect((await readClusterStatus(ha.cluster, 2000)).primaries).to.deep.equal(['ha2']);
  });
});
