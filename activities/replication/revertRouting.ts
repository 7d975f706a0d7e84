import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { applyRoutingChange, lockRoutingRow } from './applyRoutingChange.ts';
import type { RoutingResult } from './RoutingResult.ts';
import { ensureRoutingTables, type Color } from './routingTables.ts';

export interface RevertRoutingInput {
  readonly service: string;
  readonly database: string;
  /** The version switchRouting returned for the switch to undo. */
  readonly version: number;
  readonly reason?: string;
}

/**
 * Rollback: undoes the switch that produced `version`, pointing the data plane back at the colour active
 * before it (read from dbarch.routing_history), with a new version and a NOTIFY. Idempotent: when that colour
 * is active already (the revert ran before) nothing changes. If the routing moved on since that switch (a
 * later version, another colour) the revert is refused rather than undoing someone else's change.
 */
export function revertRouting(deps: ActivityDeps) {
  return async function revertRouting(input: RevertRoutingInput): Promise<RoutingResult> {
    const context = Context.current();
    const client = await deps.postgres().connect();
    try {
      await client.query('BEGIN');
      await ensureRoutingTables(client);
      const row = await lockRoutingRow(client, input.service, input.database);
      const history = await client.query<{ from_color: Color | null; to_color: Color }>(
        'SELECT from_color, to_color FROM dbarch.routing_history WHERE service = $1 AND database = $2 AND version = $3',
        [input.service, input.database, input.version],
      );
      const switched = history.rows[0];
      if (!row || !switched?.from_color) {
        throw new DbarchError('DBA_REPLICATION_ROUTING_UNKNOWN', `no routing switch ${input.version} recorded for ${input.service}/${input.database}`, {
          details: { service: input.service, database: input.database, version: input.version },
        });
      }
      const target = switched.from_color;
      const current = Number(row.version);
      if (row.active_color === target) {
        await client.query('COMMIT');
        context.log.info('routing already reverted', { service: input.service, database: input.database, activeColor: target, version: current });
        return { service: input.service, database: input.database, activeColor: target, previousColor: target, version: current, changed: false };
      }
      if (current !== input.version) {
        throw new DbarchError('DBA_REPLICATION_ROUTING_CONFLICT', `routing of ${input.service}/${input.database} moved on to version ${current} since switch ${input.version}`, {
          details: { service: input.service, database: input.database, version: current, revertOf: input.version, activeColor: row.active_color },
        });
      }
      const version = current + 1;
      await applyRoutingChange(client, {
        service: input.service,
        database: input.database,
        from: row.active_color,
        to: target,
        version,
        reason: input.reason ?? `revert of version ${input.version}`,
        blueRef: row.blue_ref,
        greenRef: row.green_ref,
      });
      await client.query('COMMIT');
      context.log.info('routing reverted', { service: input.service, database: input.database, to: target, version });
      return { service: input.service, database: input.database, activeColor: target, previousColor: row.active_color, version, changed: true };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}
