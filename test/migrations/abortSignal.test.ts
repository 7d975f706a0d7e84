import { expect } from 'chai';
import pg from 'pg';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import type { InlineMigrationFile } from '../../activities/migrations/MigrationSource.ts';
import { migrationLockClass } from '../../activities/migrations/migrationLock.ts';
import { undoMigrations } from '../../activities/migrations/undoMigrations.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { expectCode } from './expectCode.ts';

/** Rows of ad-hoc test queries: fields are checked by the assertions, not the compiler. */
type Row = Record<string, unknown>;

describe('aborting apply and undo with deps.signal', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Client;
  let n = 0;
  let schema: string;
  const common = () => ({ historySchema: `h_${schema}`, placeholders: { s: schema } });
  const tables = async () =>
    (await admin.query<Row>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema])).rows.map((r) => r.table_name as string);
  const history = async () =>
    (await admin.query<Row>(`SELECT script, type, success FROM h_${schema}.schema_history ORDER BY installed_rank`)).rows.map((r) => `${r.type as string} ${r.script as string} ${String(r.success)}`);
  /** A shutdown abort as Temporal sends it to an activity (a CancelledFailure with this message). */
  const workerShutdown = () => new Error('WORKER_SHUTDOWN');

  before(async () => {
    db = await freshDatabase('mig_abort');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  beforeEach(async () => {
    schema = `s${++n}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('cancels the running statement: its transaction rolls back, earlier migrations stay, the error is retryable and lists them', async () => {
    const files: InlineMigrationFile[] = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);\nSELECT pg_sleep(${sleep});' },
      { name: 'V3__c.sql', sql: 'CREATE TABLE ${s}.c (id int);' },
    ];
    const controller = new AbortController();
    const started = Date.now();
    const error = await expectCode(
      applyMigrations(
        { source: { files }, ...common(), placeholders: { s: schema, sleep: '30' } },
        {
          db: db.url,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'running' && p.script === 'V2__b.sql') setTimeout(() => controller.abort(workerShutdown()), 300);
          },
        },
      ),
      'DBA_MIGRATION_ABORTED',
    );
    expect(Date.now() - started, 'the 30 s statement was cancelled').to.be.below(10_000);
    expect(error.retryable).to.equal(true);
    expect(error.details).to.include({ reason: 'WORKER_SHUTDOWN', operation: 'apply' });
    expect(error.details.appliedBeforeFailure).to.deep.equal(['V1__a.sql']);
    expect(error.details.notApplied).to.deep.equal(['V2__b.sql', 'V3__c.sql']);
    expect((error.cause as { details?: { sqlstate?: string } }).details?.sqlstate).to.equal('57014');
    expect(await tables()).to.deep.equal(['a']); // b's CREATE TABLE rolled back with the cancelled statement
    expect(await history()).to.deep.equal(['versioned V1__a.sql true']);
    const left = await admin.query<Row>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()`);
    expect(left.rows[0]?.n).to.equal(0);

    // The retry continues where the history says.
    const retry = await applyMigrations({ source: { files }, ...common(), placeholders: { s: schema, sleep: '0' } }, { db: db.url });
    expect(retry.applied.map((a) => a.script)).to.deep.equal(['V2__b.sql', 'V3__c.sql']);
  });

  it('stops between migrations when the signal fires while one commits', async () => {
    const files: InlineMigrationFile[] = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' },
      { name: 'V3__c.sql', sql: 'CREATE TABLE ${s}.c (id int);' },
    ];
    const controller = new AbortController();
    const logger = {
      info: (fields: object, message?: string) => {
        if (message === 'migration applied' && (fields as { script?: string }).script === 'V1__a.sql') controller.abort();
      },
      warn: () => undefined,
    };
    const error = await expectCode(applyMigrations({ source: { files }, ...common() }, { db: db.url, signal: controller.signal, logger }), 'DBA_MIGRATION_ABORTED');
    expect(error.details.appliedBeforeFailure).to.deep.equal(['V1__a.sql']);
    expect((error.details.applied as { script: string }[]).map((a) => a.script)).to.deep.equal(['V1__a.sql']);
    expect(error.details.notApplied).to.deep.equal(['V2__b.sql', 'V3__c.sql']);
    expect(await tables()).to.deep.equal(['a']);
  });

  it('aborts undo the same way', async () => {
    const files: InlineMigrationFile[] = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' },
      { name: 'U1__a.sql', sql: 'DROP TABLE ${s}.a;' },
      { name: 'U2__b.sql', sql: 'DROP TABLE ${s}.b;\nSELECT pg_sleep(30);' },
    ];
    await applyMigrations({ source: { files }, ...common() }, { db: db.url });
    const controller = new AbortController();
    const started = Date.now();
    const error = await expectCode(
      undoMigrations(
        { source: { files }, ...common(), target: '0' },
        { db: db.url, signal: controller.signal, onProgress: (p) => p.phase === 'running' && setTimeout(() => controller.abort(), 300) },
      ),
      'DBA_MIGRATION_ABORTED',
    );
    expect(Date.now() - started).to.be.below(10_000);
    expect(error.details).to.include({ operation: 'undo' });
    expect(error.details.notApplied).to.deep.equal(['U2__b.sql', 'U1__a.sql']);
    expect(await tables()).to.deep.equal(['a', 'b']);
  });

  it('stops waiting for the migration lock', async () => {
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [migrationLockClass, `h_${schema}`]);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const started = Date.now();
      const error = await expectCode(
        applyMigrations({ source: { files: [{ name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' }] }, ...common(), lockWaitTimeoutMs: 60_000 }, { db: db.url, signal: controller.signal }),
        'DBA_MIGRATION_ABORTED',
      );
      expect(Date.now() - started).to.be.below(5_000);
      expect(error.details).to.include({ operation: 'lock' });
      expect(await tables()).to.deep.equal([]);
    } finally {
      await holder.end();
    }
  });
});
