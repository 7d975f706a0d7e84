import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { backupActivities } from '../../activities/backup/backupActivities.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { activityEnvironment, runInActivity } from './runInActivity.ts';
import { schemaState } from './schemaState.ts';

const schemas = ['app', 'Audit Log'];

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<DbarchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).to.be.instanceOf(DbarchError);
  expect((error as DbarchError).code).to.equal(code);
  return error as DbarchError;
}

describe('backup: dumpSchemas and restoreSchemas', () => {
  let db: TestDatabase;
  let deps: ActivityDeps;
  let directory: string;
  let destination: string;
  let activities: ReturnType<typeof backupActivities>;

  before(async () => {
    db = await freshDatabase('backup');
    deps = createActivityDeps(serviceUrls(), testLog);
    activities = backupActivities(deps);
    directory = mkdtempSync(join(tmpdir(), 'dbarch-backup-'));
    destination = pathToFileURL(directory).href;
    await sql(
      db.url,
      `CREATE SCHEMA app;
       CREATE TABLE app.customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
       CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES app.customers(id), total numeric(10,2) NOT NULL, note text);
       CREATE INDEX orders_customer ON app.orders (customer_id);
       CREATE VIEW app.big_orders AS SELECT * FROM app.orders WHERE total > 100;
       INSERT INTO app.customers (email) SELECT 'c' || i || '@example.com' FROM generate_series(1, 200) i;
       INSERT INTO app.orders (customer_id, total, note) SELECT 1 + i % 200, i * 1.5, 'n' || i FROM generate_series(1, 2000) i;
       CREATE SCHEMA "Audit Log";
       CREATE TABLE "Audit Log".events (id int PRIMARY KEY, what text);
       INSERT INTO "Audit Log".events SELECT i, 'e' || i FROM generate_series(1, 50) i;
       CREATE TABLE public.untouched (id int PRIMARY KEY);
       INSERT INTO public.untouched VALUES (1), (2);`,
    );
  });

  after(async () => {
    await closeActivityDeps(deps);
    await db.drop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('dump → drop a column, delete rows, add a table → restore returns structure and data to the dumped state', async () => {
    const before = await schemaState(db.url, schemas);
    const dumpStarted = Date.now();
    const dumped = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: 'pre-migrate-1' });
    const dumpMs = Date.now() - dumpStarted;

    expect(dumped.reused).to.equal(false);
    expect(dumped.backupId).to.equal('pre-migrate-1');
    const manifest = dumped.manifest;
    expect(manifest).to.include({ formatVersion: 1, kind: 'schemas', format: 'custom', database: db.name, dumpFile: 'pre-migrate-1.dump' });
    expect(manifest.schemas).to.deep.equal(schemas);
    expect(manifest.serverVersion).to.match(/^15\./);
    expect(manifest.lsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(manifest.pgDumpVersion).to.match(/pg_dump \(PostgreSQL\) \d+/);
    const dumpBytes = readFileSync(join(directory, manifest.dumpFile));
    expect(dumpBytes.length).to.equal(manifest.sizeBytes);
    expect(createHash('sha256').update(dumpBytes).digest('hex')).to.equal(manifest.sha256);
    expect(JSON.parse(readFileSync(join(directory, 'pre-migrate-1.manifest.json'), 'utf8'))).to.deep.equal(manifest);
    expect(readdirSync(directory).sort()).to.deep.equal(['pre-migrate-1.dump', 'pre-migrate-1.manifest.json']);
    // The dump is a valid custom-format archive holding both schemas and nothing else.
    const listing = execFileSync('pg_restore', ['--list', join(directory, manifest.dumpFile)], { encoding: 'utf8' });
    expect(listing).to.match(/SCHEMA - app /).and.to.match(/SCHEMA - Audit Log /).and.not.to.match(/untouched/);

    await sql(
      db.url,
      `ALTER TABLE app.orders DROP COLUMN note CASCADE;
       DELETE FROM app.orders WHERE id > 1500;
       DELETE FROM app.customers WHERE id > 150 AND id NOT IN (SELECT customer_id FROM app.orders);
       CREATE TABLE app.added_later (id int);
       UPDATE "Audit Log".events SET what = 'changed';
       SELECT nextval('app.customers_id_seq');
       INSERT INTO public.untouched VALUES (3);`,
    );
    expect(await schemaState(db.url, schemas)).to.not.deep.equal(before);

    const { run, heartbeats } = activityEnvironment();
    const restoreStarted = Date.now();
    const restored = await run(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'pre-migrate-1' });
    const restoreMs = Date.now() - restoreStarted;
    expect(restored).to.include({ backupId: 'pre-migrate-1', lsn: manifest.lsn });
    expect(restored.bytesRestored).to.be.greaterThan(0);
    expect(restored.droppedDependents).to.deep.equal([]);
    expect(heartbeats[0]).to.include({ phase: 'verifying', backupId: 'pre-migrate-1' });

    expect(await schemaState(db.url, schemas)).to.deep.equal(before);
    // Outside the dumped schemas nothing was touched.
    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    const untouched = await check.query('SELECT id FROM public.untouched ORDER BY id');
    await check.end();
    expect(untouched.rows.map((row: { id: number }) => row.id)).to.deep.equal([1, 2, 3]);
    console.log(`      dump ${manifest.sizeBytes} bytes in ${dumpMs} ms, restore in ${restoreMs} ms`);
  });

  it('is idempotent: the same backup id reuses the complete dump; restoring twice gives the same state', async () => {
    const first = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: 'twice' });
    await sql(db.url, `INSERT INTO "Audit Log".events VALUES (1000, 'after the dump')`);
    const second = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: 'twice' });
    expect(second.reused).to.equal(true);
    expect(second.manifest).to.deep.equal(first.manifest);

    await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, manifest: first.manifest });
    const once = await schemaState(db.url, schemas);
    await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, manifest: first.manifest });
    expect(await schemaState(db.url, schemas)).to.deep.equal(once);
    expect(once.data['"Audit Log".events']).to.match(/^50:/);

    // The same id for other schemas is a caller mistake, not a reuse.
    await expectCode(runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'twice' }), 'DBA_BACKUP_ID_INVALID');
  });

  it('derives the backup id from the workflow run and activity, the same on every attempt', async () => {
    const info = { workflowExecution: { workflowId: 'migrate:orders:abc123', runId: 'run-1' }, activityId: '7' };
    const first = await activityEnvironment({ ...info, attempt: 1 }).run(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination });
    const retry = await activityEnvironment({ ...info, attempt: 2 }).run(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination });
    expect(first.backupId).to.match(/^migrate-orders-abc123-[0-9a-f]{16}$/);
    expect(retry).to.include({ backupId: first.backupId, reused: true });
    const otherRun = await activityEnvironment({ ...info, workflowExecution: { workflowId: 'migrate:orders:abc123', runId: 'run-2' } }).run(
      activities.dumpSchemas,
      { databaseUrl: db.url, schemas: ['app'], destination },
    );
    expect(otherRun.backupId).to.not.equal(first.backupId);
  });

  it('refuses to drop objects outside the schemas unless allowed, and then reports them', async () => {
    const dumped = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['app'], destination, backupId: 'deps' });
    await sql(db.url, `CREATE VIEW public.customer_emails AS SELECT email FROM app.customers`);
    const before = await schemaState(db.url, ['app', 'public']);
    const error = await expectCode(runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'deps' }), 'DBA_BACKUP_DEPENDENTS');
    expect(error.retryable).to.equal(false);
    expect(error.details.dependents).to.deep.include({ dependent: 'public.customer_emails', type: 'view', on: 'app.customers.email' });
    expect(await schemaState(db.url, ['app', 'public'])).to.deep.equal(before);

    const restored = await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, manifest: dumped.manifest, allowDependents: true });
    expect(restored.droppedDependents.map((dependent) => dependent.dependent)).to.include('public.customer_emails');
  });

  it('rolls the whole restore back when it fails, classifying a lock timeout as retryable by its SQLSTATE', async () => {
    await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: 'locked' });
    await sql(db.url, `DELETE FROM app.orders WHERE id > 1900`);
    const before = await schemaState(db.url, schemas);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE "Audit Log".events IN ACCESS SHARE MODE');
      const error = await expectCode(
        runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'locked', lockTimeout: '200ms' }),
        'DBA_BACKUP_RESTORE_TRANSIENT',
      );
      expect(error.details.sqlstate).to.equal('55P03');
      expect(error.retryable).to.equal(true);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // app was dropped and re-created before the lock wait on "Audit Log": all of it was rolled back.
    expect(await schemaState(db.url, schemas)).to.deep.equal(before);
  });

  it('reports coded errors for a missing schema, an unsupported destination, a missing or damaged backup', async () => {
    await expectCode(runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas: ['nope'], destination, backupId: 'x1' }), 'DBA_BACKUP_SCHEMA_MISSING');
    await expectCode(runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination: 'gs://bucket/x', backupId: 'x2' }), 'DBA_BACKUP_DESTINATION_UNSUPPORTED'); // s3:// is schemaDumpObjectStore.test.ts's
    await expectCode(runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: '../escape' }), 'DBA_BACKUP_ID_INVALID');
    await expectCode(runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'never-made' }), 'DBA_BACKUP_NOT_FOUND');

    await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: 'damaged' });
    execFileSync('truncate', ['-s', '-10', join(directory, 'damaged.dump')]);
    const before = await schemaState(db.url, schemas);
    await expectCode(runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'damaged' }), 'DBA_BACKUP_CORRUPT');
    expect(await schemaState(db.url, schemas)).to.deep.equal(before);
    // A damaged backup is not reused: dumping again under its id replaces it.
    const again = await runInActivity(activities.dumpSchemas, { databaseUrl: db.url, schemas, destination, backupId: 'damaged' });
    expect(again.reused).to.equal(false);
    await runInActivity(activities.restoreSchemas, { databaseUrl: db.url, destination, backupId: 'damaged' });
  });
});
