import { DbarchError } from '../../errors/DbarchError.ts';
import { acquireMigrationLock, releaseMigrationLock } from './migrationLock.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { MigrationRunOptions } from './MigrationRunOptions.ts';
import type { MigrationSession } from './openMigrationSession.ts';
import { openMigrationSession } from './openMigrationSession.ts';
import { ensureHistoryTable, historyTableOf, type HistoryTable } from './historyTable.ts';
import { toMigrationError } from './toMigrationError.ts';

export interface LockedRun {
  readonly session: MigrationSession;
  readonly history: HistoryTable;
  readonly lockWaitMs: number;
}

const durationPattern = /^\d+(?:us|ms|s|min|h|d)?$/;

/** Rejects a duration option before it is spliced into SET (the values are not bind parameters there). */
export function checkDuration(name: string, value: string): string {
  if (!durationPattern.test(value)) {
    throw new DbarchError('DBA_CONFIG_INVALID', `${name} must be a PostgreSQL duration such as 10s, 500ms or 0, not "${value}"`);
  }
  return value;
}

/**
 * Opens one session, takes the migration lock, makes sure the history table exists, runs `work`, then
 * unlocks and ends the session whatever happened. The history is read by `work` after the lock is held,
 * so a migrator that waited sees what the previous holder applied.
 */
export async function withMigrationLock<T>(options: MigrationRunOptions, deps: MigrationDeps, work: (run: LockedRun) => Promise<T>): Promise<T> {
  const history = historyTableOf(options);
  const session = await openMigrationSession(deps.db, {
    applicationName: options.applicationName ?? 'dbarch-migrate',
    clientConnectionCheckInterval: checkDuration('clientConnectionCheckInterval', options.clientConnectionCheckInterval ?? '1s'),
  });
  try {
    const started = Date.now();
    try {
      await acquireMigrationLock(session.client, {
        schema: history.schema,
        waitTimeoutMs: options.lockWaitTimeoutMs ?? 600_000,
        onWait: (waitedMs) => deps.onProgress?.({ phase: 'waiting-for-lock', waitedMs }),
        signal: deps.signal,
      });
    } catch (error) {
      throw toMigrationError(error, null, session.lost());
    }
    const lockWaitMs = Date.now() - started;
    deps.onProgress?.({ phase: 'locked', waitedMs: lockWaitMs });
    deps.logger?.info({ historySchema: history.schema, historyTable: history.table, lockWaitMs }, 'migration lock acquired');
    try {
      await ensureHistoryTable(session.client, history);
      return await work({ session, history, lockWaitMs });
    } catch (error) {
      throw toMigrationError(error, null, session.lost());
    } finally {
      if (!session.lost()) await releaseMigrationLock(session.client, history.schema).catch(() => undefined);
    }
  } finally {
    await session.close().catch(() => undefined);
  }
}
