import type pg from 'pg';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { RoutingResult } from './RoutingResult.ts';
import { ensureRoutingTables, routingChannel, type Color, type RoutingNotification } from './routingTables.ts';

export interface RoutingRow {
  readonly active_color: Color;
  readonly blue_ref: string | null;
  readonly green_ref: string | null;
  readonly version: string;
}

/** What a routing step decided about the locked row: nothing to do, or the next version. */
export type RoutingChange =
  | { readonly unchanged: RoutingResult }
  | {
      readonly from: Color;
      readonly to: Color;
      readonly reason: string;
      readonly blueRef: string | null;
      readonly greenRef: string | null;
      /** Who made the change (a step's idempotency key), so its workflow can find and undo it later. */
      readonly origin?: string | undefined;
    };

/**
 * The one transaction every routing change runs in: lock the service's routing row, let `decide` look at it
 * (and at the history, through the same client), then write the next version. The row, its history entry and
 * the NOTIFY commit together, so listeners hear of a change exactly when it commits and a rolled-back change is
 * never announced; concurrent changes of one row are serialised by the row lock. The routing tables are in the
 * control database.
 */
export async function applyRoutingChange(
  deps: ActivityDeps,
  route: { readonly service: string; readonly database: string },
  decide: (row: RoutingRow | undefined, client: pg.ClientBase) => RoutingChange | Promise<RoutingChange>,
): Promise<RoutingResult> {
  await ensureRoutingTables(deps.urls.postgres, deps.log);
  const client = await deps.postgres().connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<RoutingRow>(
      'SELECT active_color, blue_ref, green_ref, version::text FROM dbarch.routing WHERE service = $1 AND database = $2 FOR UPDATE',
      [route.service, route.database],
    );
    const row = rows[0];
    const change = await decide(row, client);
    if ('unchanged' in change) {
      await client.query('COMMIT');
      return change.unchanged;
    }
    const version = (row ? Number(row.version) : 0) + 1;
    await client.query(
      `INSERT INTO dbarch.routing (service, database, active_color, blue_ref, green_ref, version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (service, database) DO UPDATE
         SET active_color = excluded.active_color, blue_ref = excluded.blue_ref, green_ref = excluded.green_ref,
             version = excluded.version, updated_at = excluded.updated_at`,
      [route.service, route.database, change.to, change.blueRef, change.greenRef, version],
    );
    await client.query(
      'INSERT INTO dbarch.routing_history (service, database, version, from_color, to_color, reason, origin) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [route.service, route.database, version, change.from, change.to, change.reason, change.origin ?? null],
    );
    const notification: RoutingNotification = { service: route.service, database: route.database, activeColor: change.to, version };
    await client.query('SELECT pg_notify($1, $2)', [routingChannel, JSON.stringify(notification)]);
    await client.query('COMMIT');
    return { service: route.service, database: route.database, activeColor: change.to, previousColor: change.from, version, changed: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
