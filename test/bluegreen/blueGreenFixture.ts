import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { RoutingNotification } from '../../activities/replication/routingTables.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { PgCluster } from '../support/pgCluster.ts';

export const schema = `CREATE SCHEMA app;
  CREATE TABLE app.customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
  CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES app.customers(id), total numeric(10,2) NOT NULL);`;
/** What green gets in step 1: blue's schema plus the release's change, a nullable column. */
export const migration = `${schema} ALTER TABLE app.orders ADD COLUMN discount numeric(10,2);`;

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

/** The inline blue_green test spec for a deployment; `migration` is what step 1 runs on green. */
export function inlineSpec(deployment: Deployment, options: { window: string; migration?: string }): string {
  const replacements: Record<string, string> = {
    __DB__: deployment.database,
    __SERVICE__: deployment.service,
    __NAME__: deployment.name,
    __TAG__: randomBytes(4).toString('hex'),
    __WINDOW__: options.window,
    __MIGRATION__: (options.migration ?? migration).replace(/\s+/g, ' '),
  };
  let text = readFileSync(new URL('./specs/blue-green-inline.yaml', import.meta.url), 'utf8');
  for (const [key, value] of Object.entries(replacements)) text = text.replaceAll(key, value);
  const path = join(mkdtempSync(join(tmpdir(), 'dbarch-bg-spec-')), 'blue-green.yaml');
  writeFileSync(path, text);
  return path;
}

/** Inserts orders on blue one after another until stopped: the ongoing writes of a live service. */
export function startWriter(url: string): { stop(): Promise<number> } {
  let running = true;
  const client = new pg.Client({ connectionString: url });
  const done = (async () => {
    await client.connect();
    let written = 0;
    while (running) {
      await client.query(`INSERT INTO app.orders (customer_id, total) VALUES (1 + $1::int % 100, $1::int)`, [written]);
      written++;
    }
    await client.end();
    return written;
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}

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
