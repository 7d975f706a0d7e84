import type { DbarchError } from '../../errors/DbarchError.ts';
import type { HistoryRowType, HistoryTable } from './historyTable.ts';
import { insertHistoryRow, markHistoryRowSucceeded } from './historyTable.ts';
import type { MigrationSession } from './openMigrationSession.ts';
import type { PreparedMigration } from './prepareMigration.ts';
import { toMigrationError } from './toMigrationError.ts';

/** One script that ran, as reported to the caller. */
export interface AppliedMigration {
  readonly script: string;
  readonly version: string | null;
  readonly type: HistoryRowType;
  readonly transactional: boolean;
  readonly executionTimeMs: number;
  readonly installedRank: number;
}

export interface RunContext {
  readonly session: MigrationSession;
  readonly history: HistoryTable;
  readonly installedBy: string | null;
  /** Commit without waiting for the WAL flush; the run ends with one flushing commit (see flushCommits). */
  readonly asyncCommit: boolean;
  /** Scripts already applied in this run, for the failure report. */
  readonly applied: readonly string[];
  /** Set when the session's socket closed, so the failure is reported as a lost connection. */
  readonly connectionLost: () => boolean;
}

/**
 * Runs one script and records it. A transactional script runs with its history row in one transaction:
 * both commit or neither does, so a crash at any point leaves the script unapplied and unrecorded.
 * Round trips: settings + BEGIN + the script in one simple query, the prepared history insert, COMMIT.
 *
 * A non-transactional script (`-- dbarch:no-transaction`) cannot be atomic; its row is written first with
 * success = false and completed afterwards, so a failure or a crash part-way is visible and blocks later
 * runs until someone checks what was left (an INVALID index) and runs repair.
 */
export async function runMigration(prepared: PreparedMigration, type: HistoryRowType, context: RunContext): Promise<AppliedMigration> {
  const { client, settingsSql } = context.session;
  const file = prepared.file;
  const fail = (error: unknown, queryOrigin: number, fallbackOffset: number): DbarchError =>
    toMigrationError(error, {
      script: file.script,
      version: file.version,
      fileSql: file.sql,
      spans: prepared.spans,
      queryOrigin,
      fallbackOffset,
      applied: context.applied,
      connectionLost: context.connectionLost(),
    });
  const historyRow = (executionTimeMs: number, success: boolean) => ({
    version: file.version,
    description: file.description,
    type,
    script: file.script,
    checksum: file.checksum,
    installedBy: context.installedBy,
    executionTimeMs,
    success,
  });
  const timeouts = `lock_timeout = '${prepared.lockTimeout}'; SET LOCAL statement_timeout = '${prepared.statementTimeout}';`;
  // Each script starts from the session's defaults: a SET in one script must not leak into the next.
  const reset = `RESET ALL; ${settingsSql} `;

  if (prepared.transactional) {
    const prefix =
      `${reset}BEGIN; SET LOCAL ${timeouts}` + (context.asyncCommit ? ' SET LOCAL synchronous_commit = off;' : '') + '\n';
    const started = performance.now();
    try {
      await client.query(prefix + prepared.sql);
    } catch (error) {
      await rollbackQuietly(context);
      throw fail(error, -prefix.length, 0);
    }
    const executionTimeMs = performance.now() - started;
    try {
      const installedRank = await insertHistoryRow(client, context.history, historyRow(executionTimeMs, true));
      await client.query('COMMIT');
      return { script: file.script, version: file.version, type, transactional: true, executionTimeMs, installedRank };
    } catch (error) {
      await rollbackQuietly(context);
      throw fail(error, 0, 0);
    }
  }

  try {
    await client.query(`${reset}SET ${timeouts.replace('SET LOCAL', 'SET')}`);
  } catch (error) {
    throw fail(error, 0, 0);
  }
  let installedRank: number;
  try {
    installedRank = await insertHistoryRow(client, context.history, historyRow(0, false));
  } catch (error) {
    throw fail(error, 0, 0);
  }
  const started = performance.now();
  for (const statement of prepared.statements) {
    try {
      await client.query(statement.text);
    } catch (error) {
      throw fail(error, statement.start, statement.start);
    }
  }
  const executionTimeMs = performance.now() - started;
  try {
    await markHistoryRowSucceeded(client, context.history, installedRank, executionTimeMs);
  } catch (error) {
    throw fail(error, 0, 0);
  }
  return { script: file.script, version: file.version, type, transactional: false, executionTimeMs, installedRank };
}

async function rollbackQuietly(context: RunContext): Promise<void> {
  if (context.connectionLost()) return;
  await context.session.client.query('ROLLBACK').catch(() => undefined);
}

/**
 * Makes every asynchronously committed migration durable: committing a transaction that has an xid, with
 * synchronous_commit on, flushes the WAL up to its commit record, and WAL is flushed in order.
 */
export async function flushCommits(session: MigrationSession): Promise<void> {
  await session.client.query('RESET ALL; SELECT pg_current_xact_id();');
}
