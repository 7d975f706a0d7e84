import { expect } from 'chai';
import pg from 'pg';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import type { CatchUpProgress } from '../../activities/replication/awaitReplicationCatchUp.ts';
import { replicationActivities } from '../../activities/replication/replicationActivities.ts';
import type { RoutingNotification } from '../../activities/replication/routingTables.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { activityEnvironment, runInActivity } from '../backup/runInActivity.ts';
import { eventually } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { startOrdersWriter } from '../support/startOrdersWriter.ts';

const schema = `
  CREATE SCHEMA app;
  CREATE TABLE app.customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
  CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES app.customers(id), total numeric(10,2) NOT NULL);`;
/** Green's migration: a new nullable column, which replication leaves NULL for blue's rows. */
const migration = `ALTER TABLE app.orders ADD COLUMN discount numeric(10,2);`;

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof DbarchError ? error.code : `not coded: ${String(error)}`),
  );
}

describe('blue-green deployment on two clusters', () => {
  let blue: PgCluster;
  let green: PgCluster;
  let control: TestDatabase;
  let deps: ActivityDeps;
  let activities: ReturnType<typeof replicationActivities>;
  let blueUrl: string;
  let greenUrl: string;

  before(async () => {
    const started = Date.now();
    [blue, green, control] = await Promise.all([startPgCluster({ label: 'blue' }), startPgCluster({ label: 'green' }), freshDatabase('routing')]);
    console.log(`      two clusters started in ${Date.now() - started} ms`);
    [blueUrl, greenUrl] = await Promise.all([blue.createDatabase('shop'), green.createDatabase('shop')]);
    await query(blueUrl, `${schema}
      INSERT INTO app.customers (email) SELECT 'c' || i || '@example.com' FROM generate_series(1, 100) i;
      INSERT INTO app.orders (customer_id, total) SELECT 1 + i % 100, i FROM generate_series(1, 5000) i;`);
    await query(greenUrl, `${schema}${migration}`);
    // The routing table lives in the control database: here a fresh one of the main cluster.
    deps = createActivityDeps({ ...serviceUrls(), postgres: control.url }, testLog);
    activities = replicationActivities(deps);
  });

  after(async () => {
    if (deps) await closeActivityDeps(deps);
    await Promise.all([blue?.stop(), green?.stop(), control?.drop()]);
  });

  it('replicates under writes, verifies, switches and reverts routing with notifications, and tears down; every step re-runs as a no-op', async () => {
    const target = { blueUrl, greenUrl, name: 'shop_v2' };
    const writer = startOrdersWriter(blueUrl);

    const prepared = await runInActivity(activities.prepareGreen, target);
    expect(prepared).to.deep.include({ publication: 'dbarch_bg_shop_v2', slot: 'dbarch_bg_shop_v2', subscription: 'dbarch_bg_shop_v2' });
    expect(prepared.tables).to.deep.equal(['app.customers', 'app.orders']);
    expect(prepared.created).to.deep.equal({ publication: true, slot: true, subscription: true });
    const again = await runInActivity(activities.prepareGreen, target);
    expect(again.created).to.deep.equal({ publication: false, slot: false, subscription: false });

    const catchingUp = activityEnvironment();
    const caughtUp = await catchingUp.run(activities.awaitReplicationCatchUp, { ...target, pollMs: 100 });
    expect(caughtUp.targetLsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(caughtUp.tablesTotal).to.equal(2);
    expect(caughtUp.lagBytes).to.equal(0);
    for (const beat of catchingUp.heartbeats as CatchUpProgress[]) expect(['initial-copy', 'streaming']).to.include(beat.phase);

    // The cut-over: writes to blue stop, green catches up with the last of them and is verified.
    const written = await writer.stop();
    expect(written).to.be.greaterThan(0);
    await runInActivity(activities.awaitReplicationCatchUp, { ...target, pollMs: 100 });
    const verified = await runInActivity(activities.verifyGreen, target);
    expect(verified.tables).to.deep.equal([
      { table: 'app.customers', blueRows: 100, greenRows: 100 },
      { table: 'app.orders', blueRows: 5000 + written, greenRows: 5000 + written },
    ]);
    expect(verified.addedColumns).to.deep.equal(['app.orders.discount']);
    expect(verified.summary).to.match(/^2 table\(s\), \d+ row\(s\), equal at .*; green adds app\.orders\.discount$/);
    expect(await runInActivity(activities.verifyGreen, target)).to.deep.include({ tables: verified.tables });

    const synced = await runInActivity(activities.syncSequences, target);
    const orderSequence = synced.sequences.find((sequence) => sequence.sequence === 'app.orders_id_seq');
    expect(orderSequence).to.deep.include({ blue: 5000 + written, green: 5000 + written, advanced: true });
    expect((await runInActivity(activities.syncSequences, target)).sequences.every((sequence) => !sequence.advanced)).to.equal(true);

    // Data-plane clients listen for routing changes.
    const listener = new pg.Client({ connectionString: control.url });
    await listener.connect();
    const notifications: RoutingNotification[] = [];
    listener.on('notification', (message) => notifications.push(JSON.parse(message.payload ?? '{}') as RoutingNotification));
    await listener.query('LISTEN dbarch_routing');
    try {
      const route = { service: 'checkout', database: 'shop' };
      const connections = { blue: '${SHOP_BLUE_URL}', green: '${SHOP_GREEN_URL}' };
      const switched = await runInActivity(activities.switchRouting, { ...route, to: 'green', connections });
      expect(switched).to.deep.equal({ ...route, activeColor: 'green', previousColor: 'blue', version: 1, changed: true });
      await eventually(() => Promise.resolve(notifications.length >= 1 ? true : undefined), 'the routing notification');
      expect(notifications[0]).to.deep.equal({ ...route, activeColor: 'green', version: 1 });
      const rows = await query<{ active_color: string; active_ref: string; version: string }>(
        control.url,
        'SELECT active_color, active_ref, version::text FROM dbarch.routing WHERE service = $1 AND database = $2',
        [route.service, route.database],
      );
      expect(rows).to.deep.equal([{ active_color: 'green', active_ref: '${SHOP_GREEN_URL}', version: '1' }]);

      const noop = await runInActivity(activities.switchRouting, { ...route, to: 'green', connections });
      expect(noop).to.deep.include({ activeColor: 'green', version: 1, changed: false });

      // Green takes writes now; its ids continue after blue's.
      const [inserted] = await query<{ id: string }>(greenUrl, `INSERT INTO app.orders (customer_id, total, discount) VALUES (1, 10, 1) RETURNING id::text`);
      expect(Number(inserted?.id)).to.equal(5000 + written + 1);

      const reverted = await runInActivity(activities.revertRouting, { ...route, version: switched.version });
      expect(reverted).to.deep.equal({ ...route, activeColor: 'blue', previousColor: 'green', version: 2, changed: true });
      await eventually(() => Promise.resolve(notifications.length >= 2 ? true : undefined), 'the revert notification');
      // The no-op switch sent nothing: the second notification is the revert's.
      expect(notifications).to.deep.equal([
        { ...route, activeColor: 'green', version: 1 },
        { ...route, activeColor: 'blue', version: 2 },
      ]);
      expect(await runInActivity(activities.revertRouting, { ...route, version: switched.version })).to.deep.include({ activeColor: 'blue', version: 2, changed: false });
      const history = await query<{ version: string; from_color: string; to_color: string }>(
        control.url,
        'SELECT version::text, from_color, to_color FROM dbarch.routing_history WHERE service = $1 ORDER BY version',
        [route.service],
      );
      expect(history).to.deep.equal([
        { version: '1', from_color: 'blue', to_color: 'green' },
        { version: '2', from_color: 'green', to_color: 'blue' },
      ]);
      // A later switch is not undone by reverting an older one.
      const third = await runInActivity(activities.switchRouting, { ...route, to: 'green' });
      expect(third).to.deep.include({ version: 3, changed: true });
      expect(await codeOf(runInActivity(activities.revertRouting, { ...route, version: 1 }))).to.equal('DBA_REPLICATION_ROUTING_CONFLICT');
      expect(await codeOf(runInActivity(activities.switchRouting, { ...route, to: 'blue', expectedVersion: 2 }))).to.equal('DBA_REPLICATION_ROUTING_CONFLICT');
    } finally {
      await listener.end();
    }

    const retired = await runInActivity(activities.retireBlue, target);
    expect(retired.dropped).to.deep.include({ subscription: true, slot: true, publication: true });
    expect((await runInActivity(activities.retireBlue, target)).dropped).to.deep.equal({ subscription: false, slot: false, publication: false, syncSlots: 0 });
    expect(await query(blueUrl, 'SELECT slot_name FROM pg_replication_slots')).to.deep.equal([]);
    expect(await query(blueUrl, 'SELECT pubname FROM pg_publication')).to.deep.equal([]);
    expect(await query(greenUrl, 'SELECT subname FROM pg_subscription')).to.deep.equal([]);
    // Both databases keep their data.
    expect(await query(greenUrl, 'SELECT count(*)::int AS n FROM app.orders')).to.deep.equal([{ n: 5000 + written + 1 }]);
  });
});
