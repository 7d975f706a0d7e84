import { expect } from 'chai';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { replicationActivities } from '../../activities/replication/replicationActivities.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { runInActivity } from '../backup/runInActivity.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function failure(promise: Promise<unknown>): Promise<DbarchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).to.be.instanceOf(DbarchError);
  return error as DbarchError;
}

describe('blue-green on one cluster, and its refusals', () => {
  let cluster: PgCluster;
  let main: TestDatabase;
  let deps: ActivityDeps;
  let activities: ReturnType<typeof replicationActivities>;

  before(async () => {
    [cluster, main] = await Promise.all([startPgCluster({ label: 'one' }), freshDatabase('replication_errors')]);
    deps = createActivityDeps({ ...serviceUrls(), postgres: main.url }, testLog);
    activities = replicationActivities(deps);
  });

  after(async () => {
    if (deps) await closeActivityDeps(deps);
    await Promise.all([cluster?.stop(), main?.drop()]);
  });

  it('works when blue and green are databases of the same cluster (the slot is made apart from the subscription)', async () => {
    const [blueUrl, greenUrl] = await Promise.all([cluster.createDatabase('same_blue'), cluster.createDatabase('same_green')]);
    await query(blueUrl, `CREATE TABLE items (id int PRIMARY KEY, v text); INSERT INTO items SELECT i, 'v' || i FROM generate_series(1, 300) i;
                          CREATE TABLE skipped (id int PRIMARY KEY);`);
    await query(greenUrl, `CREATE TABLE items (id int PRIMARY KEY, v text, extra text DEFAULT 'x' NOT NULL);`);
    const target = { blueUrl, greenUrl, name: 'same', tables: ['public.items'] };
    expect((await runInActivity(activities.prepareGreen, target)).tables).to.deep.equal(['public.items']);
    await runInActivity(activities.awaitReplicationCatchUp, { ...target, pollMs: 100 });
    await query(blueUrl, `DELETE FROM items WHERE id <= 100; UPDATE items SET v = 'changed' WHERE id = 200;`);
    await runInActivity(activities.awaitReplicationCatchUp, { ...target, pollMs: 100 });
    const verified = await runInActivity(activities.verifyGreen, target);
    expect(verified.tables).to.deep.equal([{ table: 'public.items', blueRows: 200, greenRows: 200 }]);
    expect(verified.addedColumns).to.deep.equal(['public.items.extra']);
    expect(await query(greenUrl, `SELECT v, extra FROM items WHERE id = 200`)).to.deep.equal([{ v: 'changed', extra: 'x' }]);

    // The same name for other tables is a conflict, not a silent change of what is replicated.
    const conflict = await failure(runInActivity(activities.prepareGreen, { ...target, tables: ['public.items', 'public.skipped'] }));
    expect(conflict.code).to.equal('DBA_REPLICATION_CONFLICT');

    await runInActivity(activities.retireBlue, target);
    expect(await query(blueUrl, `SELECT slot_name FROM pg_replication_slots`)).to.deep.equal([]);
    expect(await query(greenUrl, `SELECT subname FROM pg_subscription`)).to.deep.equal([]);
  });

  it('refuses a blue without wal_level=logical, a green missing a table, an incompatible green, and steps before prepareGreen', async () => {
    // The main cluster runs wal_level=replica.
    const walLevel = await failure(runInActivity(activities.prepareGreen, { blueUrl: main.url, greenUrl: main.url, name: 'nope' }));
    expect(walLevel.code).to.equal('DBA_REPLICATION_WAL_LEVEL');
    expect(walLevel.retryable).to.equal(false);

    const [blueUrl, greenUrl] = await Promise.all([cluster.createDatabase('err_blue'), cluster.createDatabase('err_green')]);
    await query(blueUrl, `CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY);`);
    await query(greenUrl, `CREATE TABLE a (id int PRIMARY KEY, v integer, required text NOT NULL);`);
    const target = { blueUrl, greenUrl, name: 'err' };

    const missingTable = await failure(runInActivity(activities.prepareGreen, target));
    expect(missingTable.code).to.equal('DBA_REPLICATION_TABLE_MISSING');
    expect(missingTable.details).to.deep.include({ missing: ['public.b'], side: 'green' });
    expect((await failure(runInActivity(activities.prepareGreen, { ...target, name: 'err2', tables: ['public.nope'] }))).code).to.equal('DBA_REPLICATION_TABLE_MISSING');
    expect((await failure(runInActivity(activities.prepareGreen, { ...target, name: 'Bad-Name' }))).code).to.equal('DBA_REPLICATION_NAME_INVALID');

    // The publication and slot were made before green was found wanting; verify sees green's schema problems.
    const incompatible = await failure(runInActivity(activities.verifyGreen, target));
    expect(incompatible.code).to.equal('DBA_REPLICATION_SCHEMA_INCOMPATIBLE');
    expect(incompatible.details.issues).to.have.members([
      'public.b: missing on green',
      'public.a.v: text on blue, integer on green',
      'public.a.required: only on green, NOT NULL without a default',
    ]);
    expect((await failure(runInActivity(activities.awaitReplicationCatchUp, target))).code).to.equal('DBA_REPLICATION_NOT_PREPARED');
    expect((await failure(runInActivity(activities.revertRouting, { service: 'none', database: 'none', version: 1 }))).code).to.equal(
      'DBA_REPLICATION_ROUTING_UNKNOWN',
    );
    const unreachable = await failure(runInActivity(activities.verifyGreen, { ...target, greenUrl: 'postgres://postgres@127.0.0.1:1/x' }));
    expect(unreachable.code).to.equal('DBA_REPLICATION_UNREACHABLE');
    expect(unreachable.retryable).to.equal(true);

    // Teardown removes what the failed preparation left on blue.
    const retired = await runInActivity(activities.retireBlue, target);
    expect(retired.dropped).to.deep.equal({ subscription: false, slot: true, publication: true, syncSlots: 0 });
  });
});
