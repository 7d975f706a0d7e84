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
const table = 'schema_history';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function historyTableName(schema: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * Creates the history schema and table if absent. Called only while holding the migration lock, so two
 * migrators never race on CREATE … IF NOT EXISTS (which can still fail with a unique violation).
 */
export async function ensureHistoryTable(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query(`
    CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)};
    CREATE TABLE IF NOT EXISTS ${historyTableName(schema)} (
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
    CREATE INDEX IF NOT EXISTS ${quoteIdent(`${table}_success_idx`)} ON ${historyTableName(schema)} (success);`);
}

/** All history rows in installation order; an empty list when the table does not exist yet. */
export async function readHistory(client: pg.ClientBase, schema: string): Promise<HistoryRow[]> {
  const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [historyTableName(schema)]);
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
  }>(`SELECT * FROM ${historyTableName(schema)} ORDER BY installed_rank`);
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
export async function insertHistoryRow(client: pg.ClientBase, schema: string, row: NewHistoryRow): Promise<number> {
  const result = await client.query<{ installed_rank: number }>({
    name: `dbarch_history_insert_${schema}`,
    text: `INSERT INTO ${historyTableName(schema)}
             (version, description, type, script, checksum, installed_by, execution_time_ms, success)
           VALUES ($1, $2, $3, $4, $5, coalesce($6, current_user), $7, $8) RETURNING installed_rank`,
    values: [row.version, row.description, row.type, row.script, row.checksum, row.installedBy, Math.round(row.executionTimeMs), row.success],
  });
  return result.rows[0]?.installed_rank ?? 0;
}

/** Completes the in-progress row of a non-transactional migration. */
export async function markHistoryRowSucceeded(client: pg.ClientBase, schema: string, installedRank: number, executionTimeMs: number): Promise<void> {
  await client.query(`UPDATE ${historyTableName(schema)} SET success = true, execution_time_ms = $2 WHERE installed_rank = $1`, [
    installedRank,
    Math.round(executionTimeMs),
  ]);
}
