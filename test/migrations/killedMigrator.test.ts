import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { spawnMigrator } from './spawnMigrator.ts';
import { waitFor } from './waitFor.ts';

/** Rows of ad-hoc test queries: fields are checked by the assertions, not the compiler. */
type Row = Record<string, unknown>;

const dir = fileURLToPath(new URL('../fixtures/migrations/killed', import.meta.url));

describe('a migrator SIGKILLed in the middle of a migration', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let admin: pg.Client;

  before(async () => {
    db = await freshDatabase('mig_killed');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('releases the lock, rolls the partial migration back, and applies it once on the next run', async () => {
    const run = spawnMigrator({ url: db.url, dir, placeholders: { sleep_seconds: '600' }, applicationName: 'dbarch-doomed' });
    // Wait until the child's backend is inside V2, sleeping after its first INSERT.
    const backendPid = await waitFor('the migrator to be inside V2', async () => {
      const r = await admin.query<Row>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'dbarch-doomed' AND query LIKE '%pg_sleep(600)%' AND state = 'active'`,
      );
      return (r.rows[0]?.pid as number | undefined) ?? null;
    }, 60_000);
    const holding = await admin.query<Row>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 1684169074 AND pid = $1`, [backendPid]);
    expect(holding.rows[0]?.n).to.equal(1);

    run.child.kill('SIGKILL');
    const exit = await run.done;
    expect(exit.signal).to.equal('SIGKILL');

    // client_connection_check_interval makes the orphaned backend notice the dead client and abort.
    await waitFor('the orphaned backend to end', async () => {
      const r = await admin.query<Row>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [backendPid]);
      return r.rows[0]?.n === 0;
    }, 30_000);
    const locks = await admin.query<Row>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 1684169074`);
    expect(locks.rows[0]?.n).to.equal(0);
    const marks = await admin.query<Row>('SELECT label FROM marks');
    expect(marks.rows).to.deep.equal([]);
    const history = await admin.query<Row>('SELECT version, success FROM dbarch_history.schema_history ORDER BY installed_rank');
    expect(history.rows).to.deep.equal([{ version: '1', success: true }]);

    // Same file (same checksum), another placeholder value: the next run applies V2 once.
    const report = await applyMigrations({ source: { dir }, placeholders: { sleep_seconds: '0' }, lockWaitTimeoutMs: 5_000 }, { db: db.url });
    expect(report.applied.map((a) => a.script)).to.deep.equal(['V2__slow.sql']);
    const after = await admin.query<Row>('SELECT label FROM marks ORDER BY label');
    expect(after.rows.map((r) => r.label)).to.deep.equal(['after-sleep', 'before-sleep']);
    const again = await applyMigrations({ source: { dir }, placeholders: { sleep_seconds: '0' } }, { db: db.url });
    expect(again.applied).to.deep.equal([]);
  });
});
