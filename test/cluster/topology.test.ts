import { expect } from 'chai';
import pg from 'pg';
import type { ClusterTopology } from '../../activities/topology/ClusterTopology.ts';
import { listenTopology } from '../../activities/topology/listenTopology.ts';
import { publishTopology, type ControlDatabase } from '../../activities/topology/publishTopology.ts';
import { readTopology, readTopologyHistory } from '../../activities/topology/readTopology.ts';
import type { DbarchError } from '../../errors/DbarchError.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';

const m = (member: string, port: number) => ({ member, url: `postgres://postgres@127.0.0.1:${port}/postgres` });

describe('the published topology (dbarch.cluster_topology, NOTIFY dbarch_topology)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let control: ControlDatabase;
  before(async () => {
    db = await freshDatabase('topology');
    control = { url: db.url, pool: new pg.Pool({ connectionString: db.url, max: 4 }) };
  });
  after(async () => {
    await control.pool.end();
    await db.drop();
  });

  it('publishes the first topology at epoch 1 and reads it back; nothing is published for another cluster', async () => {
    expect(await readTopology(control.pool, 'first')).to.equal(undefined);
    const { topology, published } = await publishTopology(control, { cluster: 'first', expectedEpoch: 0, primary: m('a1', 1), replicas: [m('a2', 2)], timeline: 1, kind: 'initial', reason: 'cluster up' });
    expect(published).to.equal(true);
    expect(topology).to.include({ cluster: 'first', epoch: 1, timeline: 1 });
    expect(await readTopology(control.pool, 'first')).to.deep.equal(topology);
    expect(await readTopology(control.pool, 'other')).to.equal(undefined);
  });

  it('lets exactly one of many publishers racing from the same epoch win; the others get DBA_TOPOLOGY_EPOCH_CONFLICT and change nothing', async () => {
    await publishTopology(control, { cluster: 'race', expectedEpoch: 0, primary: m('r1', 1), replicas: [m('r2', 2), m('r3', 3)], kind: 'initial', reason: 'up' });
    const candidates = ['r2', 'r3', 'r2', 'r3', 'r2', 'r3'];
    const outcomes = await Promise.allSettled(candidates.map((member, i) =>
      publishTopology(control, { cluster: 'race', expectedEpoch: 1, primary: m(member, i + 10), replicas: [], fenced: ['r1'], kind: 'failover', reason: `publisher ${i}` })));
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(winners).to.have.length(1);
    expect(losers).to.have.length(candidates.length - 1);
    for (const error of losers) expect((error as DbarchError).code).to.equal('DBA_TOPOLOGY_EPOCH_CONFLICT');
    const current = await readTopology(control.pool, 'race');
    expect(current?.epoch).to.equal(2);
    expect(current?.fenced).to.deep.equal(['r1']);
    const history = await readTopologyHistory(control.pool, 'race');
    expect(history.map((h) => [h.epoch, h.kind])).to.deep.equal([[2, 'failover'], [1, 'initial']]);
    expect(history[0]?.primary).to.deep.equal(current?.primary);
  });

  it('also refuses the first publication when one exists already, and a stale epoch', async () => {
    for (const expectedEpoch of [0, 1]) {
      try {
        await publishTopology(control, { cluster: 'race', expectedEpoch, primary: m('x', 9), replicas: [], kind: 'manual', reason: 'stale' });
        expect.fail('a stale publish won');
      } catch (error) {
        expect((error as DbarchError).code).to.equal('DBA_TOPOLOGY_EPOCH_CONFLICT');
        expect((error as DbarchError).details).to.include({ expectedEpoch, currentEpoch: 2 });
      }
    }
    expect((await readTopology(control.pool, 'race'))?.epoch).to.equal(2);
  });

  it('returns the first result when the same origin publishes again (a retried activity), without a second change', async () => {
    await publishTopology(control, { cluster: 'retry', expectedEpoch: 0, primary: m('p', 1), replicas: [], kind: 'initial', reason: 'up' });
    const change = { cluster: 'retry', expectedEpoch: 1, primary: m('q', 2), replicas: [m('p', 1)], kind: 'switchover' as const, reason: 'planned', origin: 'wf-1/step-7', details: { lsn: '0/3000060' } };
    const first = await publishTopology(control, change);
    const again = await publishTopology(control, change);
    expect(first.published).to.equal(true);
    expect(again.published).to.equal(false);
    expect(again.topology.epoch).to.equal(first.topology.epoch);
    const history = await readTopologyHistory(control.pool, 'retry', { kinds: ['switchover'] });
    expect(history).to.have.length(1);
    expect(history[0]?.details).to.deep.equal({ lsn: '0/3000060' });
  });

  it('notifies listeners of each committed change with the whole row, and a listener that reconnects catches up on what it missed', async () => {
    await publishTopology(control, { cluster: 'watched', expectedEpoch: 0, primary: m('w1', 1), replicas: [m('w2', 2)], kind: 'initial', reason: 'up' });
    const seen: ClusterTopology[] = [];
    let waiter: (() => void) | undefined;
    const listener = listenTopology(db.url, 'watched', { onTopology: (t) => { seen.push(t); waiter?.(); }, maxBackoffMs: 200 });
    const until = (epoch: number) => new Promise<void>((resolve) => {
      const check = () => (seen.at(-1)?.epoch === epoch ? resolve() : undefined);
      waiter = check;
      check();
    });
    try {
      await listener.ready;
      expect(seen.map((t) => t.epoch)).to.deep.equal([1]);
      await publishTopology(control, { cluster: 'watched', expectedEpoch: 1, primary: m('w2', 2), replicas: [], fenced: ['w1'], kind: 'failover', reason: 'w1 down' });
      await until(2);
      expect(seen[1]?.primary.member).to.equal('w2');
      // Cut the listener's connection, publish while it is down: it reads the row when it is back.
      await query(db.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dbarch:topology:watched'`);
      await publishTopology(control, { cluster: 'watched', expectedEpoch: 2, primary: m('w2', 2), replicas: [m('w1', 1)], kind: 'rejoin', reason: 'w1 back' });
      await until(3);
      expect(seen.map((t) => t.epoch)).to.deep.equal([1, 2, 3]);
      expect(seen[2]?.replicas.map((r) => r.member)).to.deep.equal(['w1']);
    } finally {
      await listener.close();
    }
  });
});
