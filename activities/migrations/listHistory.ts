import { historyTableOf, readHistory, type HistoryRow } from './historyTable.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import { openMigrationSession } from './openMigrationSession.ts';
import { toMigrationError } from './toMigrationError.ts';

export interface ListHistoryInput {
  readonly historySchema?: string;
  readonly historyTable?: string;
  /** Default `dbarch-history`. */
  readonly applicationName?: string;
}

/** Every row of the history table in installation order, read without the lock (empty before the first run). */
export async function listHistory(input: ListHistoryInput, deps: Pick<MigrationDeps, 'db'>): Promise<HistoryRow[]> {
  const session = await openMigrationSession(deps.db, { applicationName: input.applicationName ?? 'dbarch-history', clientConnectionCheckInterval: '1s' });
  try {
    return await readHistory(session.client, historyTableOf(input));
  } catch (error) {
    throw toMigrationError(error, null, session.lost());
  } finally {
    await session.close().catch(() => undefined);
  }
}
