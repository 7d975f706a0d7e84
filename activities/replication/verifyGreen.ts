import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BlueGreenInput } from './BlueGreenInput.ts';
import { compareSchemas } from './compareSchemas.ts';
import { countRows } from './countRows.ts';
import { pollTarget } from './pollTarget.ts';
import { pollUntil } from './pollUntil.ts';
import { publishedTables } from './publishedTables.ts';
import { readBlueSlot } from './readReplicationState.ts';
import { replicationNames } from './replicationNames.ts';
import { withReplicationClient } from './withReplicationClient.ts';

export interface VerifyGreenInput extends BlueGreenInput {
  /** Count rounds before giving up on differing counts (writes may still be landing); default 3. */
  readonly rounds?: number;
  readonly pollMs?: number;
}

export interface TableComparison {
  readonly table: string;
  readonly blueRows: number;
  readonly greenRows: number;
}

export interface VerifyGreenResult {
  /** The blue WAL position the counts were taken at; green was counted after confirming it. */
  readonly lsn: string;
  readonly tables: readonly TableComparison[];
  /** Columns the migration added on green (nullable or defaulted), `schema.table.column`. */
  readonly addedColumns: readonly string[];
  /** One line for people: "5 tables, 12345 rows, equal; green adds app.orders.discount". */
  readonly summary: string;
}

/**
 * Blue-green step 3: green is healthy when its schema can take blue's rows and, for every replicated table,
 * it holds as many rows as blue. Blue is counted in one snapshot, green once it has confirmed blue's WAL up
 * to that snapshot; with writes still flowing a count can differ by rows in flight, so it counts again (up
 * to `rounds`) before failing with the retryable DBA_REPLICATION_VERIFY_ROWS. Meant for the cut-over, after
 * writes to blue were paused. Read-only, so re-running it is always safe.
 */
export function verifyGreen(_deps: ActivityDeps) {
  return async function verifyGreen(input: VerifyGreenInput): Promise<VerifyGreenResult> {
    const context = Context.current();
    const names = replicationNames(input.name);
    return withReplicationClient(input.blueUrl, 'blue', (blue) =>
      withReplicationClient(input.greenUrl, 'green', async (green) => {
        const tables = await publishedTables(blue, names.publication);
        if (tables.length === 0) {
          throw new DbarchError('DBA_REPLICATION_NOT_PREPARED', `blue has no publication ${names.publication} (or it publishes no tables)`, {
            details: { publication: names.publication },
          });
        }
        const schema = await compareSchemas(blue, green, tables);
        if (schema.issues.length > 0) {
          throw new DbarchError('DBA_REPLICATION_SCHEMA_INCOMPATIBLE', `green's schema cannot take blue's rows: ${schema.issues.join('; ')}`, {
            details: { issues: schema.issues },
          });
        }
        const rounds = Math.max(1, input.rounds ?? 3);
        let last: { lsn: string; tables: TableComparison[] } | undefined;
        for (let round = 1; round <= rounds; round++) {
          context.heartbeat({ phase: 'counting', round });
          await blue.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
          const lsn = (await blue.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn ?? '0/0';
          const blueCounts = await countRows(blue, tables).finally(() => blue.query('COMMIT'));
          await pollUntil(pollTarget(context), input.pollMs ?? 200, async () => {
            const slot = await readBlueSlot(blue, names, lsn);
            return slot.lagBytes !== null && slot.lagBytes <= 0 ? { done: true, value: undefined } : { done: false, progress: { phase: 'waiting', round, lagBytes: slot.lagBytes } };
          });
          const greenCounts = await countRows(green, tables);
          last = { lsn, tables: tables.map((table) => ({ table, blueRows: blueCounts[table] ?? 0, greenRows: greenCounts[table] ?? 0 })) };
          if (last.tables.every((table) => table.blueRows === table.greenRows)) break;
        }
        if (!last) throw new Error('no count round ran');
        const differing = last.tables.filter((table) => table.blueRows !== table.greenRows);
        if (differing.length > 0) {
          throw new DbarchError('DBA_REPLICATION_VERIFY_ROWS', `row counts differ on ${differing.map((table) => `${table.table} (blue ${table.blueRows}, green ${table.greenRows})`).join(', ')}`, {
            details: { lsn: last.lsn, tables: differing },
          });
        }
        const rows = last.tables.reduce((sum, table) => sum + table.blueRows, 0);
        const summary = `${last.tables.length} table(s), ${rows} row(s), equal at ${last.lsn}` + (schema.addedColumns.length > 0 ? `; green adds ${schema.addedColumns.join(', ')}` : '');
        context.log.info('green verified', { summary });
        return { lsn: last.lsn, tables: last.tables, addedColumns: schema.addedColumns, summary };
      }),
    );
  };
}
