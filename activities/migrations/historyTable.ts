import type pg from 'pg';

/** Kinds of history rows; the latest versioned/undo row of a version says whether it is applied now. */
export type HistoryRowType = 'versioned' | 'repeatable' | 'undo' | 'baseline';

/** One row of the history table, as JSON. */
export interface HistoryRow {
  readonly installedRank: number;
  readonly version: string | null;
  readonly description: string;
  readonly type: HistoryRowType;
  readonly script: string;
  readonly checksum: string | null;
  readonly installedBy: string;
  readonly installedAt: string;
  readonly executionTimeMs: number;
  readonly success: boolean;
}

export type NewHistoryRow = Omit<HistoryRow, 'installedRank' | 'installedAt' | 'installedBy'> & { readonly installedBy: string | null };

export const defaultHistorySchema = 'dbarch_history';
export const defaultHistoryTable = 'schema_history';

/** Where one history lives. Histories that share a schema share its migration lock (migrationLock.ts). */
export interface HistoryTable {
  readonly schema: string;
  readonly table: string;
}

export function historyTableOf(options: { readonly historySchema?: string | undefined; readonly historyTable?: string | undefined }): HistoryTable {
  return { schema: options.historySchema ?? defaultHistorySchema, table: options.historyTable ?? defaultHistoryTable };
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function historyTableName(history: HistoryTable): string {
  return `${quoteIdent(history.schema)}.${quoteIdent(history.table)}`;
}

/**
 * Creates the history schema and table if absent. Called only while holding the migration lock, so two
 * migrators never race on CREATE … IF NOT EXISTS (which can still fail with a unique violation).
 *
 * The one table the engine creates for itself rather than through a versioned migration: it is the ledger
 * those migrations are recorded in, so it has to exist before the first of them can run.
 */
export async function ensureHistoryTable(client: pg.ClientBase, history: HistoryTable): Promise<void> {
  await client.query(`
    CREATE SCHEMA IF NOT EXISTS ${quoteIdent(history.schema)};
    CREATE TABLE IF NOT EXISTS ${historyTableName(history)} (
      installed_rank integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version text,
      description text NOT NULL,
      type text NOT NULL CHECK (type IN ('versioned', 'repeatable', 'undo', 'baseline')),
      script text NOT NULL,
      checksum text,
      installed_by text NOT NULL DEFAULT current_user,
      installed_at timestamptz NOT NULL DEFAULT now(),
      execution_time_ms integer NOT NULL,
      success boolean NOT NULL,
      CHECK ((version IS NULL) = (type = 'repeatable'))
    );
    CREATE INDEX IF NOT EXISTS ${quoteIdent(`${history.table}_success_idx`)} ON ${historyTableName(history)} (success);`);
}

/** All history rows in installation order; an empty list when the table does not exist yet. */
export async function readHistory(client: pg.ClientBase, history: HistoryTable): Promise<HistoryRow[]> {
  const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [historyTableName(history)]);
  if (!exists.rows[0]?.found) return [];
  const result = await client.query<{
    installed_rank: number;
    version: string | null;
    description: string;
    type: HistoryRowType;
    script: string;
    checksum: string | null;
    installed_by: string;
    installed_at: Date;
    execution_time_ms: number;
    success: boolean;
  }>(`SELECT * FROM ${historyTableName(history)} ORDER BY installed_rank`);
  return result.rows.map((row) => ({
    installedRank: row.installed_rank,
    version: row.version,
    description: row.description,
    type: row.type,
    script: row.script,
    checksum: row.checksum,
    installedBy: row.installed_by,
    installedAt: row.installed_at.toISOString(),
    executionTimeMs: row.execution_time_ms,
    success: row.success,
  }));
}

/**
 * Inserts one row with a named prepared statement: parsed once per session, then one round trip per
 * migration. Returns the row's installed_rank.
 */
export async function insertHistoryRow(client: pg.ClientBase, history: HistoryTable, row: NewHistoryRow): Promise<number> {
  const result = await client.query<{ installed_rank: number }>({
    name: `dbarch_history_insert_${history.schema}.${history.table}`,
    text: `INSERT INTO ${historyTableName(history)}
             (version, description, type, script, checksum, installed_by, execution_time_ms, success)
           VALUES ($1, $2, $3, $4, $5, coalesce($6, current_user), $7, $8) RETURNING installed_rank`,
    values: [row.version, row.description, row.type, row.script, row.checksum, row.installedBy, Math.round(row.executionTimeMs), row.success],
  });
  return result.rows[0]?.installed_rank ?? 0;
}

/** Completes the in-progress row of a non-transactional migration. */
export async function markHistoryRowSucceeded(client: pg.ClientBase, history: HistoryTable, installedRank: number, executionTimeMs: number): Promise<void> {
  await client.query(`UPDATE ${historyTableName(history)} SET success = true, execution_time_ms = $2 WHERE installed_rank = $1`, [
    installedRank,
    Math.round(executionTimeMs),
  ]);
}
