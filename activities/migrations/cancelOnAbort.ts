import pg from 'pg';
import type { MigrationLogger } from './MigrationLogger.ts';

export interface StatementCanceller {
  /** Resolves once a cancel request that was started has been answered (at once when none was). */
  readonly settled: () => Promise<void>;
  /** Stops listening to the signal. */
  readonly dispose: () => void;
}

/**
 * While a run executes migrations, an abort cancels the statement running on the migration session: from a
 * second connection, `pg_cancel_backend(<session pid>)`, so a transactional migration's transaction rolls back
 * at once instead of running to its end. A backend idle between statements ignores a cancel, so a late request
 * cannot hit a later query; callers still await `settled()` before sending more.
 */
export function cancelOnAbort(signal: AbortSignal | undefined, db: pg.Pool | string, backendPid: number, logger?: MigrationLogger): StatementCanceller {
  if (!signal) return { settled: () => Promise.resolve(), dispose: () => undefined };
  let request: Promise<void> | undefined;
  const cancel = () => {
    request ??= cancelBackend(db, backendPid).catch((error: unknown) => {
      // The migration then ends on its own and the run stops before the next one.
      logger?.warn({ pid: backendPid, error: error instanceof Error ? error.message : String(error) }, 'could not cancel the running migration statement');
    });
  };
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  return {
    settled: () => request ?? Promise.resolve(),
    dispose: () => signal.removeEventListener('abort', cancel),
  };
}

async function cancelBackend(db: pg.Pool | string, pid: number): Promise<void> {
  // A connection of its own: the pool may have no free client, and the migration session is busy.
  const config = typeof db === 'string' ? { connectionString: db } : db.options;
  const client = new pg.Client({ ...config, application_name: 'dbarch-migrate-cancel' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_cancel_backend($1)', [pid]);
  } finally {
    await client.end().catch(() => undefined);
  }
}
