import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { spawnMigrator } from './spawnMigrator.ts';
import { waitFor } from './waitFor.ts';

/** Rows of ad-hoc test queries: fields are checked by the assertions, not the compiler. */
type Row = Record<string, unknown>;

const dir = fileURLToPath(new URL('../fixtures/migrations/concurrent', import.meta.url));
const barrierKey = 4242;

describe('ten concurrent migrators (separate processes)', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let admin: pg.Client;

  before(async () => {
    db = await freshDatabase('mig_concurrent');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('applies each migration exactly once, including a CREATE INDEX CONCURRENTLY one, without deadlock', async () => {
    await admin.query<Row>('SELECT pg_advisory_lock($1)', [barrierKey]);
    const runs = Array.from({ length: 10 }, (_, i) => spawnMigrator({ url: db.url, dir, barrierKey, applicationName: `dbarch-racer-${i}` }));
    // All ten are connected and blocked on the start line, then released at once.
    await waitFor('ten migrators at the start line', async () => {
      const r = await admin.query<Row>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [barrierKey]);
      return r.rows[0]?.n === 10;
    }, 60_000);
    await admin.query<Row>('SELECT pg_advisory_unlock($1)', [barrierKey]);
    const results = await Promise.all(runs.map((run) => run.done));

    for (const result of results) {
      expect(result.output?.error ?? null, JSON.stringify(result.output)).to.equal(null);
      expect(result.code).to.equal(0);
    }
    const appliedCounts = results.map((r) => (r.output?.report as { applied: unknown[] }).applied.length);
    // One migrator did all the work; the others found nothing pending once they got the lock.
    expect(appliedCounts.filter((n) => n > 0)).to.deep.equal([7]);

    const log = await admin.query<Row>('SELECT version, count(*)::int AS n FROM applied_log GROUP BY version ORDER BY version');
    expect(log.rows).to.deep.equal(['1', '10', '2', '3', '4', '4.1', 'R'].map((version) => ({ version, n: 1 })));
    const history = await admin.query<Row>('SELECT version, type, success FROM dbarch_history.schema_history ORDER BY installed_rank');
    expect(history.rows.map((r) => r.version)).to.deep.equal(['1', '2', '3', '4', '4.1', '10', null]);
    expect(history.rows.every((r) => r.success)).to.equal(true);
    const index = await admin.query<Row>(`SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = 'items_name_idx'::regclass`);
    expect(index.rows[0]?.indisvalid).to.equal(true);
    const locks = await admin.query<Row>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 1684169074`);
    expect(locks.rows[0]?.n).to.equal(0);
  });

  it('shows the trap the lock design avoids: a waiter blocked in pg_advisory_lock deadlocks with CONCURRENTLY', async () => {
    await admin.query<Row>('CREATE TABLE trap (a int)');
    const holder = new pg.Client({ connectionString: db.url });
    const waiter = new pg.Client({ connectionString: db.url, application_name: 'dbarch-blocking-waiter' });
    await Promise.all([holder.connect(), waiter.connect()]);
    try {
      await holder.query('SELECT pg_advisory_lock(99)');
      const waiting = waiter.query('SELECT pg_advisory_lock(99)').then(
        () => null,
        (error: { code?: string }) => error.code ?? 'unknown',
      );
      await waitFor('the waiter to block', async () => {
        const r = await admin.query<Row>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 99 AND NOT granted`);
        return r.rows[0]?.n === 1;
      });
      const building = holder.query('CREATE INDEX CONCURRENTLY trap_a ON trap (a)').then(
        () => null,
        (error: { code?: string }) => error.code ?? 'unknown',
      );
      // The deadlock detector breaks the cycle by cancelling one side: either the waiter or the index build.
      const [waiterError, buildError] = await Promise.all([waiting, building]);
      expect([waiterError, buildError]).to.include('40P01');
    } finally {
      await Promise.all([holder.end(), waiter.end()]);
    }
  });
});
