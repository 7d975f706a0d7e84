import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { applyRoutingChange } from './applyRoutingChange.ts';
import type { RoutingResult } from './RoutingResult.ts';
import type { Color } from './routingTables.ts';

export interface SwitchRoutingInput {
  readonly service: string;
  readonly database: string;
  readonly to: Color;
  /** Connection references (`${ENV}` or a secret-provider URL, never a password) the data plane resolves per colour. */
  readonly connections?: { readonly blue?: string; readonly green?: string };
  /** Refuse (DBA_REPLICATION_ROUTING_CONFLICT) unless the row is still at this version. */
  readonly expectedVersion?: number;
  readonly reason?: string;
  /** Recorded in dbarch.routing_history: who switched (a step's idempotency key), for revertRouting's `origin`. */
  readonly origin?: string;
}

/**
 * Blue-green step 4: points the data plane at `to`. The routing row in the control database (dbarch.routing)
 * gets the new colour and the next version, dbarch.routing_history a row, and `NOTIFY dbarch_routing` tells
 * listening clients to reload, all in one transaction. Switching to the colour already active (with the same
 * references) is a no-op reported as `changed: false`, so a retried or repeated switch never bumps the
 * version or wakes clients. Without a routing row, the other colour counts as active so far.
 */
export function switchRouting(deps: ActivityDeps) {
  return async function switchRouting(input: SwitchRoutingInput): Promise<RoutingResult> {
    const context = Context.current();
    const route = { service: input.service, database: input.database };
    const result = await applyRoutingChange(deps, route, (row) => {
      const current = row ? Number(row.version) : 0;
      if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
        throw new DbarchError('DBA_REPLICATION_ROUTING_CONFLICT', `routing of ${input.service}/${input.database} is at version ${current}, not ${input.expectedVersion}`, {
          details: { ...route, version: current, expectedVersion: input.expectedVersion },
        });
      }
      const previousColor: Color = row?.active_color ?? (input.to === 'blue' ? 'green' : 'blue');
      const blueRef = input.connections?.blue ?? row?.blue_ref ?? null;
      const greenRef = input.connections?.green ?? row?.green_ref ?? null;
      if (row && row.active_color === input.to && row.blue_ref === blueRef && row.green_ref === greenRef) {
        return { unchanged: { ...route, activeColor: input.to, previousColor, version: current, changed: false } };
      }
      return { from: previousColor, to: input.to, reason: input.reason ?? `switch to ${input.to}`, blueRef, greenRef, origin: input.origin };
    });
    context.log.info(result.changed ? 'routing switched' : 'routing already as asked', { ...result });
    return result;
  };
}
