import { expect } from 'chai';
import pg from 'pg';
import { acquireEnvironmentLease, releaseEnvironmentLease, type AcquireLeaseOptions, type LeaseGrant, type LeaseWait } from '../../plugins/migrations/environmentLease.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';

const key = { environment: 'staging', database: 'shop' };
const run = (name: string) => ({ holder: `${name}:run-1`, workflowId: name });

describe('the environment lease (one migration pipeline at a time per environment)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  /** Workflows the fake Temporal says are closed. */
  const closedWorkflows = new Set<string>();
  const waits = new Map<string, LeaseWait[]>();

  const options = (name: string, extra: Partial<AcquireLeaseOptions> = {}): AcquireLeaseOptions => ({
    isClosed: (workflowId) => Promise.resolve(closedWorkflows.has(workflowId)),
    onWait: (wait) => waits.set(name, [...(waits.get(name) ?? []), wait]),
    pollMs: 20,
    ...extra,
  });
  const acquire = (name: string, extra: Partial<AcquireLeaseOptions> = {}) => acquireEnvironmentLease(pool, db.url, key, run(name), options(name, extra));
  const release = (name: string) => releaseEnvironmentLease(pool, db.url, key, run(name).holder);
  /** Resolves once `name` has looked at the queue and gone on waiting `times` times. */
  const waiting = (name: string, times = 3) => eventually(() => Promise.resolve((waits.get(name)?.length ?? 0) >= times ? (waits.get(name)?.at(-1) ?? null) : undefined), `${name} to wait`);
  const rows = async () =>
    (await pool.query<{ workflow_id: string; held: boolean }>('SELECT workflow_id, acquired_at IS NOT NULL AS held FROM dbarch.environment_leases ORDER BY ticket')).rows.map((r) => [r.workflow_id, r.held]);

  before(async () => {
    db = await freshDatabase('lease');
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
  });
  beforeEach(async () => {
    closedWorkflows.clear();
    waits.clear();
    await pool.query('DELETE FROM dbarch.environment_leases').catch(() => undefined);
  });
  after(async () => {
    await pool.end();
    await db.drop();
  });

  it('grants a free lease at once, again to the same run (a retry), and queues others in arrival order', async () => {
    const a = await acquire('A');
    expect(a).to.include({ holder: 'A:run-1', workflowId: 'A' });
    expect(a.waitedFor).to.deep.equal([]);
    expect((await acquire('A')).acquiredAt, 'a retried acquire gets the same lease back').to.equal(a.acquiredAt);

    let granted: string[] = [];
    const b = acquire('B').then((grant) => ((granted = [...granted, 'B']), grant));
    expect(await waiting('B')).to.deep.equal({ heldBy: 'A', ahead: 0 });
    const c = acquire('C').then((grant) => ((granted = [...granted, 'C']), grant));
    expect(await waiting('C')).to.deep.equal({ heldBy: 'A', ahead: 1 });
    expect(await rows()).to.deep.equal([
      ['A', true],
      ['B', false],
      ['C', false],
    ]);

    expect(await release('A')).to.deep.equal({ released: true, withdrawn: false });
    const grantB: LeaseGrant = await b;
    expect(grantB.waitedFor).to.deep.equal(['A']);
    expect(granted, 'C still waits behind B').to.deep.equal(['B']);
    await waiting('C', (waits.get('C')?.length ?? 0) + 2);
    expect(waits.get('C')?.at(-1)).to.deep.equal({ heldBy: 'B', ahead: 0 });

    await release('B');
    expect((await c).waitedFor).to.deep.equal(['A', 'B']);
    await release('C');
    expect(await release('C'), 'releasing twice is harmless').to.deep.equal({ released: false, withdrawn: false });
    expect(await rows()).to.deep.equal([]);
  });

  it('never lets two runs hold it at once, whatever order they race in', async () => {
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    await Promise.all(
      ['P1', 'P2', 'P3', 'P4', 'P5'].map(async (name) => {
        await acquire(name);
        inside += 1;
        most = Math.max(most, inside);
        order.push(name);
        await pool.query('SELECT 1');
        inside -= 1;
        await release(name);
      }),
    );
    expect(most).to.equal(1);
    expect(order).to.have.length(5);
    expect(await rows()).to.deep.equal([]);
  });

  it('waits for a running holder however long, and takes over only from one whose workflow is closed', async () => {
    await acquire('A');
    const b = acquire('B');
    await waiting('B', 5);
    expect(await rows(), 'a running holder keeps its lease').to.deep.equal([
      ['A', true],
      ['B', false],
    ]);
    closedWorkflows.add('A'); // terminated: its release never ran
    const grant = await b;
    expect(grant.tookOverFrom).to.deep.equal(['A']);
    expect(grant.waitedFor).to.deep.equal(['A']);
    expect(await rows()).to.deep.equal([['B', true]]);
    await release('B');
  });

  it('skips a queued request whose workflow closed before its turn', async () => {
    await acquire('A');
    const b = acquire('B', { signal: AbortSignal.abort('B was terminated') }).catch((error: unknown) => error);
    expect(await b).to.equal('B was terminated');
    expect(await rows(), 'a failed attempt keeps its place (its retry or compensation decides)').to.deep.equal([
      ['A', true],
      ['B', false],
    ]);
    closedWorkflows.add('B');
    const c = acquire('C');
    await waiting('C');
    await release('A');
    const grant = await c;
    expect(grant.tookOverFrom).to.deep.equal(['B']);
    await release('C');
  });

  it('a run that leaves the queue (its compensation) is withdrawn, and the next one is served', async () => {
    await acquire('A');
    const controller = new AbortController();
    const b = acquire('B', { signal: controller.signal }).catch((error: unknown) => error);
    await waiting('B');
    controller.abort(new Error('cancelled'));
    expect(((await b) as Error).message).to.equal('cancelled');
    expect(await release('B')).to.deep.equal({ released: false, withdrawn: true });
    expect(await rows()).to.deep.equal([['A', true]]);
    await release('A');
  });

  it('treats a row of its own workflow id from another run chain as closed (a re-run of the same id)', async () => {
    await acquireEnvironmentLease(pool, db.url, key, { holder: 'A:run-old', workflowId: 'A' }, options('A-old'));
    const grant = await acquireEnvironmentLease(pool, db.url, key, { holder: 'A:run-new', workflowId: 'A' }, options('A-new'));
    expect(grant.tookOverFrom).to.deep.equal(['A']);
    expect(grant.holder).to.equal('A:run-new');
    await releaseEnvironmentLease(pool, db.url, key, 'A:run-new');
  });
});
