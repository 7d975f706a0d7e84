import { Context } from '@temporalio/activity';
import pg from 'pg';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BlueGreenInput } from './BlueGreenInput.ts';
import { pollTarget } from './pollTarget.ts';
import { pollUntil } from './pollUntil.ts';
import { replicationNames } from './replicationNames.ts';
import { withReplicationClient } from './withReplicationClient.ts';

export interface RetireBlueResult {
  /** What this run removed; all false and 0 when an earlier run had removed everything. */
  readonly dropped: {
    readonly subscription: boolean;
    readonly slot: boolean;
    readonly publication: boolean;
    /** Temporary slots of unfinished initial copies (pg_<subscription oid>_sync_…). */
    readonly syncSlots: number;
  };
}

/**
 * Blue-green step 6, after the rollback window: removes the replication between blue and green. The
 * subscription is detached from its slot before it is dropped, so dropping it never needs to reach blue;
 * the slot (which would otherwise hold blue's WAL forever) and the publication are then dropped on blue.
 * Each object is dropped only if it exists, so re-running is a no-op. Blue's data is left alone.
 */
export function retireBlue(_deps: ActivityDeps) {
  return async function retireBlue(input: BlueGreenInput): Promise<RetireBlueResult> {
    const context = Context.current();
    const names = replicationNames(input.name);
    const subscription = pg.escapeIdentifier(names.subscription);
    const { droppedSubscription, subscriptionOid } = await withReplicationClient(input.greenUrl, 'green', async (green) => {
      const found = await green.query<{ oid: string }>(
        'SELECT oid::text FROM pg_subscription WHERE subname = $1 AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())',
        [names.subscription],
      );
      const oid = found.rows[0]?.oid;
      if (!oid) return { droppedSubscription: false, subscriptionOid: undefined };
      await green.query(`ALTER SUBSCRIPTION ${subscription} DISABLE`);
      await green.query(`ALTER SUBSCRIPTION ${subscription} SET (slot_name = NONE)`);
      await green.query(`DROP SUBSCRIPTION IF EXISTS ${subscription}`);
      return { droppedSubscription: true, subscriptionOid: oid };
    });

    const { droppedSlot, syncSlots, droppedPublication } = await withReplicationClient(input.blueUrl, 'blue', async (blue) => {
      const slots = [names.slot];
      if (subscriptionOid) {
        const sync = await blue.query<{ slot_name: string }>(`SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE $1`, [`pg\\_${subscriptionOid}\\_sync\\_%`]);
        slots.push(...sync.rows.map((row) => row.slot_name));
      }
      const dropped: string[] = [];
      for (const slot of slots) {
        // The disabled subscription's walsender exits on its own; one that lingers is ended.
        const gone = await pollUntil(pollTarget(context), 200, async () => {
          const { rows } = await blue.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [slot]);
          const state = rows[0];
          if (!state) return { done: true, value: true };
          if (state.active_pid === null) return { done: true, value: false };
          await blue.query('SELECT pg_terminate_backend($1)', [state.active_pid]);
          return { done: false, progress: { phase: 'releasing slot', slot } };
        });
        if (gone) continue;
        try {
          await blue.query('SELECT pg_drop_replication_slot($1)', [slot]);
          dropped.push(slot);
        } catch (error) {
          // 42704 undefined_object: dropped meanwhile by a concurrent attempt.
          if ((error as { code?: string }).code !== '42704') throw error;
        }
      }
      const publication = await blue.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [names.publication]);
      if (publication.rowCount) await blue.query(`DROP PUBLICATION IF EXISTS ${pg.escapeIdentifier(names.publication)}`);
      return { droppedSlot: dropped.includes(names.slot), syncSlots: dropped.filter((slot) => slot !== names.slot).length, droppedPublication: publication.rowCount === 1 };
    });
    const result: RetireBlueResult = {
      dropped: { subscription: droppedSubscription, slot: droppedSlot, publication: droppedPublication, syncSlots },
    };
    context.log.info('blue retired', { ...result.dropped });
    return result;
  };
}
