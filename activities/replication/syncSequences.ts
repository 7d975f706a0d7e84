import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BlueGreenInput } from './BlueGreenInput.ts';
import { replicationNames } from './replicationNames.ts';
import { withReplicationClient } from './withReplicationClient.ts';

export interface SyncSequencesInput extends BlueGreenInput {
  /** Added to blue's values, to leave room for writes still landing on blue; default 0 (writes are paused). */
  readonly gap?: number;
}

export interface SequenceSync {
  readonly sequence: string;
  readonly blue: number | null;
  /** Green's value after the step. */
  readonly green: number | null;
  readonly advanced: boolean;
}

/**
 * Logical replication copies rows, not sequence positions: before traffic moves, each of green's sequences
 * is moved up to blue's (plus `gap`) so new rows on green do not reuse ids. A sequence is only ever moved
 * forward, so running the step again changes nothing.
 */
export function syncSequences(_deps: ActivityDeps) {
  return async function syncSequences(input: SyncSequencesInput): Promise<{ readonly sequences: readonly SequenceSync[] }> {
    const context = Context.current();
    replicationNames(input.name);
    const gap = input.gap ?? 0;
    const onBlue = await withReplicationClient(input.blueUrl, 'blue', async (blue) => {
      const { rows } = await blue.query<{ name: string; value: string | null }>(
        `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value::text AS value FROM pg_sequences
          WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      );
      return rows;
    });
    context.heartbeat({ phase: 'syncing', sequences: onBlue.length });
    const sequences = await withReplicationClient(input.greenUrl, 'green', async (green) => {
      const synced: SequenceSync[] = [];
      for (const { name, value } of onBlue) {
        const current = await green.query<{ value: string | null }>(
          `SELECT last_value::text AS value FROM pg_sequences WHERE format('%I.%I', schemaname, sequencename) = $1`,
          [name],
        );
        const row = current.rows[0];
        if (!row) continue; // not on green: the migration removed it
        const blueValue = value === null ? null : Number(value);
        const greenValue = row.value === null ? null : Number(row.value);
        if (blueValue === null || (greenValue !== null && greenValue >= blueValue + gap)) {
          synced.push({ sequence: name, blue: blueValue, green: greenValue, advanced: false });
          continue;
        }
        await green.query('SELECT setval($1::regclass, $2)', [name, blueValue + gap]);
        synced.push({ sequence: name, blue: blueValue, green: blueValue + gap, advanced: true });
      }
      return synced;
    });
    context.log.info('sequences synced', { advanced: sequences.filter((sequence) => sequence.advanced).length });
    return { sequences };
  };
}
