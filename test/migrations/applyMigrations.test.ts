import { expect } from 'chai';
import pg from 'pg';
import { applyMigrations } from '../../activities/migrations/applyMigrations.ts';
import type { ApplyMigrationsInput } from '../../activities/migrations/applyMigrations.ts';
import type { InlineMigrationFile } from '../../activities/migrations/MigrationSource.ts';
import { freshDatabase } from '../support/postgres.ts';
import type { TestDatabase } from '../support/postgres.ts';
import { expectCode } from './expectCode.ts';

/** Rows of ad-hoc test queries: fields are checked by the assertions, not the compiler. */
type Row = Record<string, unknown>;

describe('applyMigrations', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let admin: pg.Client;
  let n = 0;
  /** Each test gets its own history schema and object schema in the file's database. */
  let schema: string;
  const apply = (files: InlineMigrationFile[], extra: Partial<ApplyMigrationsInput> = {}) =>
    applyMigrations({ source: { files }, historySchema: `h_${schema}`, placeholders: { s: schema }, ...extra }, { db: db.url });
  const history = async () =>
    (await admin.query<Row>(`SELECT version, description, type, script, checksum, installed_by, execution_time_ms, success FROM h_${schema}.schema_history ORDER BY installed_rank`)).rows;

  before(async () => {
    db = await freshDatabase('mig_apply');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  beforeEach(async () => {
    schema = `s${++n}`;
    await admin.query<Row>(`CREATE SCHEMA ${schema}`);
  });
  after(async () => {
    await admin.end();
    await db.drop();
  });

  it('applies versioned then repeatable migrations once and records them', async () => {
    const files = [
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' },
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V1.10__a_more.sql', sql: 'ALTER TABLE ${s}.a ADD COLUMN y int;' },
      { name: 'V1.9__a_col.sql', sql: 'ALTER TABLE ${s}.a ADD COLUMN x int;' },
      { name: 'R__view.sql', sql: 'CREATE OR REPLACE VIEW ${s}.v AS SELECT * FROM ${s}.a;' },
    ];
    const report = await apply(files, { installedBy: 'workflow-123' });
    expect(report.applied.map((a) => a.script)).to.deep.equal(['V1__a.sql', 'V1.9__a_col.sql', 'V1.10__a_more.sql', 'V2__b.sql', 'R__view.sql']);
    expect(report.currentVersion).to.equal('2');
    const rows = await history();
    expect(rows.map((r) => [r.version, r.type, r.success, r.installed_by])).to.deep.equal([
      ['1', 'versioned', true, 'workflow-123'],
      ['1.9', 'versioned', true, 'workflow-123'],
      ['1.10', 'versioned', true, 'workflow-123'],
      ['2', 'versioned', true, 'workflow-123'],
      [null, 'repeatable', true, 'workflow-123'],
    ]);
    expect(rows[0]?.checksum).to.match(/^[0-9a-f]{64}$/);
    expect((await apply(files)).applied).to.deep.equal([]);
  });

  it('rolls a failing migration back and reports file, line, column and SQLSTATE', async () => {
    await apply([{ name: 'V1__ok.sql', sql: 'CREATE TABLE ${s}.t (id int);' }]);
    const error = await expectCode(
      apply([
        { name: 'V1__ok.sql', sql: 'CREATE TABLE ${s}.t (id int);' },
        { name: 'V2__next.sql', sql: 'CREATE TABLE ${s}.u (id int);' },
        { name: 'V3__bad.sql', sql: 'INSERT INTO ${s}.t VALUES (1);\nINSERT INTO ${s}.missing VALUES (1);\n' },
      ]),
      'DBA_MIGRATION_FAILED',
    );
    expect(error.details).to.include({ script: 'V3__bad.sql', version: '3', line: 2, column: 13, sqlstate: '42P01', category: 'undefined_object' });
    expect(error.details.appliedBeforeFailure).to.deep.equal(['V2__next.sql']);
    expect(error.retryable).to.equal(false);
    expect((await admin.query<Row>(`SELECT count(*)::int AS n FROM ${schema}.t`)).rows[0]?.n).to.equal(0);
    expect((await history()).map((r) => r.version)).to.deep.equal(['1', '2']);
  });

  it('substitutes placeholders and refuses an unknown one before running anything', async () => {
    const files = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: "CREATE TABLE ${s}.b (note text DEFAULT '${nope}');" },
    ];
    const error = await expectCode(apply(files), 'DBA_MIGRATION_PLACEHOLDER_UNKNOWN');
    expect(error.details).to.include({ script: 'V2__b.sql', line: 1, column: 41 });
    expect(await history()).to.deep.equal([]);
    const literal = [{ name: 'V1__a.sql', sql: "-- dbarch:no-placeholders\nCREATE TABLE " + schema + ".a (note text DEFAULT '${kept}');" }];
    await apply(literal);
    const def = await admin.query<Row>(`SELECT column_default FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'a'`, [schema]);
    expect(def.rows[0]?.column_default).to.contain('${kept}');
  });

  it('refuses BEGIN/COMMIT inside a migration and reports syntax errors with their position', async () => {
    await expectCode(apply([{ name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);\nCOMMIT;' }]), 'DBA_MIGRATION_TRANSACTION_CONTROL');
    const syntax = await expectCode(apply([{ name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);\nCREAT TABLE x ();' }]), 'DBA_MIGRATION_SYNTAX');
    expect(syntax.details).to.include({ line: 2, column: 1 });
    expect(await history()).to.deep.equal([]);
  });

  it('refuses an out-of-order migration unless outOfOrder is set, and honours a target', async () => {
    await apply([
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V3__c.sql', sql: 'CREATE TABLE ${s}.c (id int);' },
      { name: 'V4__d.sql', sql: 'CREATE TABLE ${s}.d (id int);' },
    ], { target: '3' });
    const files = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b (id int);' },
      { name: 'V3__c.sql', sql: 'CREATE TABLE ${s}.c (id int);' },
      { name: 'V4__d.sql', sql: 'CREATE TABLE ${s}.d (id int);' },
    ];
    const error = await expectCode(apply(files), 'DBA_MIGRATION_OUT_OF_ORDER');
    expect(error.details).to.include({ script: 'V2__b.sql' });
    const report = await apply(files, { outOfOrder: true });
    expect(report.applied.map((a) => a.script)).to.deep.equal(['V2__b.sql', 'V4__d.sql']);
  });

  it('re-runs a repeatable migration when its file changes', async () => {
    const view = (column: string) => [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int, name text);' },
      { name: 'R__v.sql', sql: `CREATE OR REPLACE VIEW \${s}.v AS SELECT ${column} FROM \${s}.a;` },
    ];
    await apply(view('id'));
    expect((await apply(view('id'))).applied).to.deep.equal([]);
    expect((await apply(view('id, name'))).applied.map((a) => a.script)).to.deep.equal(['R__v.sql']);
  });

  it('starts every migration from the session defaults (a SET does not leak into the next one)', async () => {
    await apply([
      { name: 'V1__a.sql', sql: 'SET search_path = ${s}; CREATE TABLE a (id int);' },
      { name: 'V2__b.sql', sql: 'CREATE TABLE ${s}.b AS SELECT current_setting(\'search_path\') AS path;' },
    ]);
    expect((await admin.query<Row>(`SELECT path FROM ${schema}.b`)).rows[0]?.path).to.equal('"$user", public');
  });

  it('gives up on a busy table after lock_timeout with a retryable coded error', async () => {
    await apply([{ name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' }]);
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      await blocker.query(`BEGIN; LOCK TABLE ${schema}.a IN ACCESS SHARE MODE`);
      const error = await expectCode(
        apply([
          { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
          { name: 'V2__b.sql', sql: '-- dbarch:lock-timeout 200ms\nALTER TABLE ${s}.a ADD COLUMN x int;' },
        ]),
        'DBA_MIGRATION_LOCK_TIMEOUT',
      );
      expect(error.retryable).to.equal(true);
      expect(error.details).to.include({ sqlstate: '55P03', script: 'V2__b.sql' });
    } finally {
      await blocker.end();
    }
  });

  it('cancels a statement over statement_timeout', async () => {
    const error = await expectCode(
      apply([{ name: 'V1__slow.sql', sql: 'SELECT pg_sleep(5);' }], { statementTimeout: '100ms' }),
      'DBA_MIGRATION_STATEMENT_TIMEOUT',
    );
    expect(error.details).to.include({ sqlstate: '57014' });
  });

  it('waits for the migration lock and times out naming the holder', async () => {
    const holder = new pg.Client({ connectionString: db.url, application_name: 'other-migrator' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(1684169074, hashtext($1))', [`h_${schema}`]);
      const error = await expectCode(apply([{ name: 'V1__a.sql', sql: 'SELECT 1;' }], { lockWaitTimeoutMs: 300 }), 'DBA_MIGRATION_LOCK_TIMEOUT');
      expect(error.retryable).to.equal(true);
      expect((error.details.holder as { applicationName: string }).applicationName).to.equal('other-migrator');
    } finally {
      await holder.end();
    }
    expect((await apply([{ name: 'V1__a.sql', sql: 'SELECT 1;' }], { lockWaitTimeoutMs: 5_000 })).applied).to.have.length(1);
  });

  it('runs a no-transaction migration statement by statement and blocks later runs after it fails', async () => {
    await apply([{ name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' }]);
    const files = [
      { name: 'V1__a.sql', sql: 'CREATE TABLE ${s}.a (id int);' },
      { name: 'V2__idx.sql', sql: '-- dbarch:no-transaction\nCREATE INDEX CONCURRENTLY a_id ON ${s}.a (id);\nCREATE INDEX CONCURRENTLY a_bad ON ${s}.a (nope);' },
    ];
    const error = await expectCode(apply(files), 'DBA_MIGRATION_FAILED');
    expect(error.details).to.include({ line: 3, sqlstate: '42703' });
    expect((await history()).map((r) => [r.version, r.success])).to.deep.equal([['1', true], ['2', false]]);
    await expectCode(apply(files), 'DBA_MIGRATION_PREVIOUSLY_FAILED');
  });
});
