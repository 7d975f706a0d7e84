import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { applyRoutingChange } from './applyRoutingChange.ts';
import type { RoutingResult } from './RoutingResult.ts';
import type { Color } from './routingTables.ts';

export type RevertRoutingInput = {
  readonly service: string;
  readonly database: string;
  readonly reason?: string;
} & (
  | {
      /** The version switchRouting returned for the switch to undo. */
      readonly version: number;
    }
  | {
      /**
       * Instead of a version: undo the latest switch whose `origin` starts with this (e.g. one workflow run's
       * key prefix), for compensations planned before the switch's version is known. No such switch: nothing
       * to undo, `changed: false`.
       */
      readonly origin: string;
    }
);

/**
 * Rollback: undoes the switch that produced `version`, pointing the data plane back at the colour active
 * before it (read from dbarch.routing_history), with a new version and a NOTIFY. Idempotent: when that colour
 * is active already (the revert ran before) nothing changes. If the routing moved on since that switch (a
 * later version, another colour) the revert is refused rather than undoing someone else's change.
 */
export function revertRouting(deps: ActivityDeps) {
  return async function revertRouting(input: RevertRoutingInput): Promise<RoutingResult> {
    const context = Context.current();
    const route = { service: input.service, database: input.database };
    let nothingToUndo = false;
    const result = await applyRoutingChange(deps, route, async (row, client) => {
      const history = await client.query<{ version: string; from_color: Color | null }>(
        'version' in input
          ? 'SELECT version::text, from_color FROM dbarch.routing_history WHERE service = $1 AND database = $2 AND version = $3'
          : `SELECT version::text, from_color FROM dbarch.routing_history
              WHERE service = $1 AND database = $2 AND starts_with(origin, $3) ORDER BY version DESC LIMIT 1`,
        [input.service, input.database, 'version' in input ? input.version : input.origin],
      );
      const switched = history.rows[0];
      const current = row ? Number(row.version) : 0;
      if (!('version' in input) && !switched) {
        nothingToUndo = true;
        return { unchanged: { ...route, activeColor: row?.active_color ?? 'blue', previousColor: row?.active_color ?? 'blue', version: current, changed: false } };
      }
      const revertOf = Number(switched?.version ?? ('version' in input ? input.version : 0));
      if (!row || !switched?.from_color) {
        throw new DbarchError('DBA_REPLICATION_ROUTING_UNKNOWN', `no routing switch ${revertOf} recorded for ${input.service}/${input.database}`, {
          details: { ...route, version: revertOf },
        });
      }
      const target = switched.from_color;
      if (row.active_color === target) {
        return { unchanged: { ...route, activeColor: target, previousColor: target, version: current, changed: false } };
      }
      if (current !== revertOf) {
        throw new DbarchError('DBA_REPLICATION_ROUTING_CONFLICT', `routing of ${input.service}/${input.database} moved on to version ${current} since switch ${revertOf}`, {
          details: { ...route, version: current, revertOf, activeColor: row.active_color },
        });
      }
      return { from: row.active_color, to: target, reason: input.reason ?? `revert of version ${revertOf}`, blueRef: row.blue_ref, greenRef: row.green_ref };
    });
    context.log.info(nothingToUndo ? 'no switch to revert' : result.changed ? 'routing reverted' : 'routing already reverted', { ...result });
    return result;
  };
}
