import type pg from 'pg';

/** The channel data-plane clients LISTEN on; the payload is a RoutingNotification as JSON. */
export const routingChannel = 'dbarch_routing';

export type Color = 'blue' | 'green';

export interface RoutingNotification {
  readonly service: string;
  readonly database: string;
  readonly activeColor: Color;
  readonly version: number;
}

/**
 * Creates dbarch.routing (what the data plane reads: per service and database the active colour, both
 * connection references and the one in use, a version that grows with every change) and
 * dbarch.routing_history (one row per version: from, to, why, and the step that made it). Call inside the
 * switching transaction.
 */
export async function ensureRoutingTables(client: pg.ClientBase): Promise<void> {
  // Serialises first-time DDL between concurrent workers; IF NOT EXISTS alone races on the catalogue.
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('dbarch.routing'))`);
  await client.query('CREATE SCHEMA IF NOT EXISTS dbarch');
  await client.query(`CREATE TABLE IF NOT EXISTS dbarch.routing (
    service text NOT NULL,
    database text NOT NULL,
    active_color text NOT NULL CHECK (active_color IN ('blue', 'green')),
    blue_ref text,
    green_ref text,
    active_ref text GENERATED ALWAYS AS (CASE active_color WHEN 'blue' THEN blue_ref ELSE green_ref END) STORED,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, database))`);
  await client.query(`CREATE TABLE IF NOT EXISTS dbarch.routing_history (
    service text NOT NULL,
    database text NOT NULL,
    version bigint NOT NULL,
    from_color text,
    to_color text NOT NULL,
    reason text NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now(),
    origin text,
    PRIMARY KEY (service, database, version))`);
  // Tables made before `origin` existed get it; looked up first so the usual case takes no exclusive lock.
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_attribute WHERE attrelid = 'dbarch.routing_history'::regclass AND attname = 'origin' AND NOT attisdropped`,
  );
  if (!rowCount) await client.query('ALTER TABLE dbarch.routing_history ADD COLUMN origin text');
}
