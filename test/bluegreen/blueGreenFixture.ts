import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import type { RoutingNotification } from '../../activities/replication/routingTables.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { PgCluster } from '../support/pgCluster.ts';

export const schema = `CREATE SCHEMA app;
  CREATE TABLE app.customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
  CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES app.customers(id), total numeric(10,2) NOT NULL);`;
/** The release's change, applied to green only: a nullable column, which replication leaves NULL. */
export const migration = 'ALTER TABLE app.orders ADD COLUMN discount numeric(10,2);';

export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface Deployment {
  readonly database: string;
  readonly service: string;
  readonly name: string;
  readonly blueUrl: string;
  readonly greenUrl: string;
}

/** A database of its own on both clusters (blue with 100 customers and 2000 orders, green empty), and unique names. */
export async function newDeployment(blue: PgCluster, green: PgCluster): Promise<Deployment> {
  const tag = randomBytes(3).toString('hex');
  const database = `shop_${tag}`;
  const [blueUrl, greenUrl] = await Promise.all([blue.createDatabase(database), green.createDatabase(database)]);
  await query(blueUrl, `${schema}
    INSERT INTO app.customers (email) SELECT 'c' || i || '@example.com' FROM generate_series(1, 100) i;
    INSERT INTO app.orders (customer_id, total) SELECT 1 + i % 100, i FROM generate_series(1, 2000) i;`);
  return { database, service: `checkout_${tag}`, name: `shop_${tag}`, blueUrl, greenUrl };
}

/** The shipped procedure as a spec forks it: its `procedures:` block, with the rollback window's timeout set. */
export function forkedProcedure(window: string): Record<string, unknown> {
  const shipped = parse(readFileSync(new URL('../../procedures/blue_green.yaml', import.meta.url), 'utf8')) as { procedures: { definitions: { blue_green: { steps: { id: string; approval?: object }[] } } } };
  const definition = shipped.procedures.definitions.blue_green;
  const gate = definition.steps.find((step) => step.id === 'rollback_window');
  if (!gate?.approval) throw new Error('procedures/blue_green.yaml has no rollback_window gate');
  gate.approval = { ...gate.approval, timeout: window };
  return definition;
}

/**
 * A spec deploying `deployment` blue → green with the shipped procedure: environment `dev` on blue's server (its
 * migrations directory holds what step 1 applies to green) and the blue_green section naming green's server, with
 * the test's rollback window, which the unforked procedure reads. `fork` plans the spec's own copy of the
 * procedure instead, its gate's timeout written out. `extraMigration` adds a third migration file.
 */
export function deploymentSpec(deployment: Deployment, options: { window: string; fork?: boolean; extraMigration?: string; monitor?: Record<string, unknown> }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-bg-spec-'));
  const migrations = join(dir, 'migrations');
  mkdirSync(migrations);
  writeFileSync(join(migrations, 'V1__app_schema.sql'), `${schema}\n`);
  writeFileSync(join(migrations, 'V2__orders_discount.sql'), `${migration}\n`);
  if (options.extraMigration) writeFileSync(join(migrations, 'V3__extra.sql'), `${options.extraMigration}\n`);
  const spec = {
    apiVersion: 'dbarch/v1',
    deployment_config: {
      source_control: 'local',
      repository: 'shop-schema',
      environments: [{ name: 'dev', database: deployment.database, connection: '${DBARCH_TEST_BLUE_URL}', migrations }],
    },
    blue_green: {
      current: deployment.database,
      standby: deployment.database,
      connections: { standby: '${DBARCH_TEST_GREEN_URL}' },
      service: deployment.service,
      deployment: deployment.name,
      monitor: options.monitor ?? { duration: '1s', interval: '200ms' },
      rollback_window: options.window,
      deployment_steps: seedSteps,
    },
    procedures: { roles: { blue_green_operators: ['alice'] }, ...(options.fork ? { definitions: { blue_green: forkedProcedure(options.window) } } : {}) },
  };
  const path = join(dir, 'blue-green.yaml');
  writeFileSync(path, stringify(spec));
  return path;
}

/** The seed's deployment_steps, verbatim. */
export const seedSteps = `1. Apply migrations to green_db
2. Replicate data from blue_db to green_db
3. Verify green_db health
4. Switch application traffic to green_db
5. Monitor for errors
6. Keep blue_db as rollback target (24 hours)`;

/** Listens on dbarch_routing in the control database (where the worker's routing steps write) for one service. */
export async function listenForRouting(service: string): Promise<{ notifications: RoutingNotification[]; close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: serviceUrls().postgres });
  await client.connect();
  const notifications: RoutingNotification[] = [];
  client.on('notification', (message) => {
    const payload = JSON.parse(message.payload ?? '{}') as RoutingNotification;
    if (payload.service === service) notifications.push(payload);
  });
  await client.query('LISTEN dbarch_routing');
  return { notifications, close: () => client.end() };
}

export async function routingOf(deployment: Deployment): Promise<{ active_color: string; version: string } | undefined> {
  const rows = await query<{ active_color: string; version: string }>(
    serviceUrls().postgres,
    `SELECT active_color, version::text FROM dbarch.routing WHERE service = $1 AND database = $2`,
    [deployment.service, deployment.database],
  ).catch((error: unknown) => {
    if ((error as { code?: string }).code === '42P01') return []; // no routing table yet
    throw error;
  });
  return rows[0];
}

/** Replication objects left on either side (all of them, not only this deployment's: none should outlive a test). */
export async function replicationLeftovers(deployment: Deployment): Promise<{ slots: string[]; publications: string[]; subscriptions: string[] }> {
  const [slots, publications, subscriptions] = await Promise.all([
    query<{ slot_name: string }>(deployment.blueUrl, 'SELECT slot_name FROM pg_replication_slots'),
    query<{ pubname: string }>(deployment.blueUrl, 'SELECT pubname FROM pg_publication'),
    query<{ subname: string }>(deployment.greenUrl, 'SELECT subname FROM pg_subscription'),
  ]);
  return { slots: slots.map((r) => r.slot_name), publications: publications.map((r) => r.pubname), subscriptions: subscriptions.map((r) => r.subname) };
}
