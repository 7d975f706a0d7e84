import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';

/**
 * Makes pg_stat_statements readable on a server the spec asks it of: the library must be preloaded (only a
 * restart changes that, so it is a coded error naming shared_preload_libraries), and the extension is created in
 * the connected database when missing (on a primary; a standby gets it by replication). Returns the problem, if
 * any, instead of throwing: the other collectors go on without it.
 */
export async function ensurePgStatStatements(client: pg.Client, inRecovery: boolean, server: string): Promise<DbarchError | undefined> {
  const { rows } = await client.query<{ preload: string; created: boolean }>(
    `SELECT current_setting('shared_preload_libraries') AS preload, EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_stat_statements') AS created`,
  );
  const row = rows[0];
  const preloaded = (row?.preload ?? '').split(',').some((name) => name.trim().replace(/^"|"$/g, '') === 'pg_stat_statements');
  if (!preloaded) {
    return new DbarchError('DBA_MONITORING_PG_STAT_STATEMENTS_NOT_LOADED', `${server}: pg_stat_statements is not in shared_preload_libraries (it is "${row?.preload ?? ''}"), so its statistics cannot be exported`, {
      details: { server, shared_preload_libraries: row?.preload ?? '' },
    });
  }
  if (row?.created === true) return undefined;
  const unavailable = (reason: string, cause?: unknown) =>
    new DbarchError('DBA_MONITORING_PG_STAT_STATEMENTS_UNAVAILABLE', `${server}: pg_stat_statements is loaded but the extension is not created in ${client.database ?? 'the database'}: ${reason}`, {
      ...(cause === undefined ? {} : { cause }),
      details: { server, database: client.database },
    });
  if (inRecovery) return unavailable('this server is a standby, so the primary must create it');
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    return undefined;
  } catch (error) {
    const classified = classifyPgError(error);
    return unavailable(`CREATE EXTENSION failed (${classified.sqlstate ?? 'no SQLSTATE'}): ${error instanceof Error ? error.message : String(error)}`, error);
  }
}
