import type { MigrationLogger } from '../migrations/MigrationLogger.ts';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';

/**
 * The routing contract the data plane and the blue-green steps share: dbarch.routing (per service and database
 * the active colour, both connection references and the one in use, a version that grows with every change),
 * dbarch.routing_history (one row per version: from, to, why, and the step that made it) and the NOTIFY below.
 * The tables live in the control database and come from dbarch's control migrations
 * (activities/schema/control/V2__routing.sql); applyRoutingChange.ts is the one writer.
 */

/** The channel data-plane clients LISTEN on; the payload is a RoutingNotification as JSON. */
export const routingChannel = 'dbarch_routing';

export type Color = 'blue' | 'green';

export interface RoutingNotification {
  readonly service: string;
  readonly database: string;
  readonly activeColor: Color;
  readonly version: number;
}

/** Makes sure the routing tables exist in the control database at `url` (its migrations, once per process). */
export async function ensureRoutingTables(url: string, logger?: MigrationLogger): Promise<void> {
  await ensureDbarchSchema('control', url, logger);
}
