import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, ActivityFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { backupActivities } from '../../activities/backup/backupActivities.ts';
import { replicationActivities } from '../../activities/replication/replicationActivities.ts';
import { ActivityErrorBoundary } from '../../runtime/activityErrorBoundary.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { backupRestoreWorkflow, dumpedQuery, rollbackSignal } from '../fixtures/workflows/backupRestoreWorkflow.ts';
import { blueGreenWorkflow } from '../fixtures/workflows/blueGreenWorkflow.ts';
import { eventually } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { sharedTemporal, testLog, uniqueTaskQueue } from '../support/temporal.ts';

const fixtureWorkflows = fileURLToPath(new URL('../fixtures/workflows/index.ts', import.meta.url));

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The activities as Temporal runs them: a real worker on the shared dev server, behind the coded-error
 * boundary, driven by test-only workflows (bundled from test/fixtures/workflows, not the product bundle).
 */
describe('backup and blue-green activities on a Temporal worker', () => {
  let cluster: PgCluster;
  let db: TestDatabase;
  let deps: ActivityDeps;
  let directory: string;
  const taskQueue = uniqueTaskQueue('bluegreen');

  before(async () => {
    [cluster, db] = await Promise.all([startPgCluster({ label: 'temporal' }), freshDatabase('on_temporal')]);
    deps = createActivityDeps({ ...serviceUrls(), postgres: db.url }, testLog);
    directory = mkdtempSync(join(tmpdir(), 'dbarch-backup-'));
  });

  after(async () => {
    if (deps) await closeActivityDeps(deps);
    await Promise.all([cluster?.stop(), db?.drop()]);
    rmSync(directory, { recursive: true, force: true });
  });

  async function withFixtureWorker<T>(fn: () => Promise<T>): Promise<T> {
    const temporal = await sharedTemporal();
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      workflowsPath: fixtureWorkflows,
      activities: { ...backupActivities(deps), ...replicationActivities(deps) },
      interceptors: { activity: [() => ({ inbound: new ActivityErrorBoundary() })] },
    });
    return worker.runUntil(fn());
  }

  it('runs backup-before-migrate and restore-on-rollback as activities, the backup id taken from the workflow run', async () => {
    const temporal = await sharedTemporal();
    await sql(db.url, `CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY, v text); INSERT INTO app.t SELECT i, 'v' || i FROM generate_series(1, 100) i;`);
    const destination = pathToFileURL(directory).href;
    const workflowId = `migrate:on_temporal:${taskQueue}`;
    const result = await withFixtureWorker(async () => {
      const handle = await temporal.client.workflow.start(backupRestoreWorkflow, { taskQueue, workflowId, args: [{ databaseUrl: db.url, schemas: ['app'], destination }] });
      const dumped = await eventually(async () => (await handle.query(dumpedQuery)) ?? undefined, 'the dump');
      expect(existsSync(join(directory, `${dumped.backupId}.dump`))).to.equal(true);
      // The "migration" that went wrong.
      await sql(db.url, `ALTER TABLE app.t DROP COLUMN v; DELETE FROM app.t WHERE id > 10;`);
      await handle.signal(rollbackSignal);
      return handle.result();
    });
    expect(result.dumped.backupId).to.match(/^migrate-on_temporal-test-bluegreen-[0-9a-f]{8}-[0-9a-f]{16}$/);
    expect(result.restored.backupId).to.equal(result.dumped.backupId);
    expect(await sql(db.url, `SELECT count(*)::int AS n, count(v)::int AS with_v FROM app.t`)).to.deep.equal([{ n: 100, with_v: 100 }]);
  });

  it('runs the blue-green steps as activities, and a coded refusal arrives as a non-retryable failure of that type', async () => {
    const temporal = await sharedTemporal();
    const [blueUrl, greenUrl] = await Promise.all([cluster.createDatabase('wf_blue'), cluster.createDatabase('wf_green')]);
    await sql(blueUrl, `CREATE TABLE items (id serial PRIMARY KEY, v text); INSERT INTO items (v) SELECT 'v' || i FROM generate_series(1, 1000) i;`);
    await sql(greenUrl, `CREATE TABLE items (id serial PRIMARY KEY, v text, added text);`);
    const input = { blueUrl, greenUrl, name: 'wf', service: 'catalog', database: 'items' };

    const result = await withFixtureWorker(() => temporal.client.workflow.execute(blueGreenWorkflow, { taskQueue, workflowId: `bluegreen-${taskQueue}`, args: [input] }));
    expect(result.prepared.created).to.deep.equal({ publication: true, slot: true, subscription: true });
    expect(result.verified.tables).to.deep.equal([{ table: 'public.items', blueRows: 1000, greenRows: 1000 }]);
    expect(result.switched).to.deep.include({ activeColor: 'green', version: 1, changed: true });
    expect(result.reverted).to.deep.include({ activeColor: 'blue', version: 2, changed: true });
    expect(result.retired.dropped).to.deep.include({ subscription: true, slot: true, publication: true });

    // The main cluster has wal_level=replica: prepareGreen refuses once, without retries.
    const failed = await withFixtureWorker(() =>
      temporal.client.workflow.execute(blueGreenWorkflow, { taskQueue, workflowId: `bluegreen-replica-${taskQueue}`, args: [{ ...input, blueUrl: db.url }] }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(failed).to.be.instanceOf(WorkflowFailedError);
    const activityFailure = (failed as WorkflowFailedError).cause;
    expect(activityFailure).to.be.instanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause;
    expect(cause).to.be.instanceOf(ApplicationFailure);
    expect(cause).to.include({ type: 'DBA_REPLICATION_WAL_LEVEL', nonRetryable: true });
  });
});
