import type pg from 'pg';
import { routingChannel, type Color, type RoutingNotification } from './routingTables.ts';

export interface RoutingRow {
  readonly active_color: Color;
  readonly blue_ref: string | null;
  readonly green_ref: string | null;
  readonly version: string;
}

/** Locks and reads the routing row of a service's database (inside the caller's transaction). */
export async function lockRoutingRow(client: pg.ClientBase, service: string, database: string): Promise<RoutingRow | undefined> {
  const { rows } = await client.query<RoutingRow>(
    'SELECT active_color, blue_ref, green_ref, version::text FROM dbarch.routing WHERE service = $1 AND database = $2 FOR UPDATE',
    [service, database],
  );
  return rows[0];
}

/**
 * Writes a new routing version: the row, its history entry and a NOTIFY, all in the caller's transaction,
 * so listeners hear of it exactly when it commits and a rolled-back change is never announced.
 */
export async function applyRoutingChange(
  client: pg.ClientBase,
  change: { service: string; database: string; from: Color | null; to: Color; version: number; reason: string; blueRef: string | null; greenRef: string | null },
): Promise<void> {
  await client.query(
    `INSERT INTO dbarch.routing (service, database, active_color, blue_ref, green_ref, version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (service, database) DO UPDATE
       SET active_color = excluded.active_color, blue_ref = excluded.blue_ref, green_ref = excluded.green_ref,
           version = excluded.version, updated_at = excluded.updated_at`,
    [change.service, change.database, change.to, change.blueRef, change.greenRef, change.version],
  );
  await client.query(
    'INSERT INTO dbarch.routing_history (service, database, version, from_color, to_color, reason) VALUES ($1, $2, $3, $4, $5, $6)',
    [change.service, change.database, change.version, change.from, change.to, change.reason],
  );
  const notification: RoutingNotification = { service: change.service, database: change.database, activeColor: change.to, version: change.version };
  await client.query('SELECT pg_notify($1, $2)', [routingChannel, JSON.stringify(notification)]);
}
