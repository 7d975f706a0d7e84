import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { migrationAborted } from './migrationAborted.ts';

/** First half of the two-int advisory key: "dbar" in ASCII, so our locks are recognisable in pg_locks. */
export const migrationLockClass = 0x64626172;

export interface MigrationLockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly backendStart: string;
  readonly state: string | null;
}

export interface AcquireOptions {
  /**
   * The history schema: one lock per schema, so histories in separate schemas never block each other (and the
   * key stays what older migrators used). Histories sharing a schema take turns, which costs nothing.
   */
  readonly schema: string;
  readonly waitTimeoutMs: number;
  readonly onWait?: (waitedMs: number) => void;
  /** Stops the wait with DBA_MIGRATION_ABORTED. */
  readonly signal?: AbortSignal;
}

/**
 * Takes the session-level advisory lock for a history schema, polling with pg_try_advisory_lock.
 *
 * Why a session lock, polled, on the migrating connection itself:
 * - CREATE INDEX CONCURRENTLY waits for every transaction whose snapshot is older than its own. A waiter
 *   blocked inside `SELECT pg_advisory_lock()` holds a snapshot for as long as it waits, so the CONCURRENTLY
 *   build would wait for the waiter while the waiter waits for the builder's lock: a deadlock. A poll
 *   holds a snapshot for microseconds and the session sits idle (no snapshot) between polls.
 * - A transaction-level lock (pg_advisory_xact_lock) would need an open transaction around the run, and
 *   CONCURRENTLY would wait for that transaction too, even on another connection of the same migrator
 *   (the Flyway trap). A session lock is held outside any transaction.
 * - The lock dies with the session: a killed migrator cannot leave it behind.
 */
export async function acquireMigrationLock(client: pg.ClientBase, options: AcquireOptions): Promise<void> {
  const started = Date.now();
  let pause = 10;
  for (;;) {
    if (options.signal?.aborted) throw migrationAborted(options.signal, { operation: 'lock', done: [], notDone: [] });
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
      migrationLockClass,
      options.schema,
    ]);
    if (result.rows[0]?.locked) return;
    const waited = Date.now() - started;
    if (waited >= options.waitTimeoutMs) {
      const holder = await migrationLockHolder(client, options.schema);
      throw new DbarchError(
        'DBA_MIGRATION_LOCK_TIMEOUT',
        `Another migrator has held the migration lock of schema "${options.schema}" for over ${options.waitTimeoutMs} ms` +
          (holder ? ` (pid ${holder.pid}, application "${holder.applicationName}", since ${holder.backendStart})` : ''),
        { details: { lock: 'migration', schema: options.schema, waitedMs: waited, holder } },
      );
    }
    options.onWait?.(waited);
    // Jitter spreads ten waiters out so they do not poll in lockstep.
    await delay(Math.min(pause, options.waitTimeoutMs - waited) * (0.5 + Math.random() / 2), undefined, { signal: options.signal }).catch(
      () => undefined, // aborted: the check at the top of the loop throws
    );
    pause = Math.min(pause * 2, 200);
  }
}

export async function releaseMigrationLock(client: pg.ClientBase, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [migrationLockClass, schema]);
}

/** The session holding the lock, for error messages and operators; null when nobody holds it. */
export async function migrationLockHolder(client: pg.ClientBase, schema: string): Promise<MigrationLockHolder | null> {
  const result = await client.query<{
    pid: number;
    application_name: string;
    client_addr: string | null;
    backend_start: Date;
    state: string | null;
  }>(
    `SELECT a.pid, a.application_name, a.client_addr::text, a.backend_start, a.state
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.classid = $1::bigint::oid AND l.objid = (hashtext($2)::bigint & 4294967295)::oid
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [migrationLockClass, schema],
  );
  const row = result.rows[0];
  return row
    ? { pid: row.pid, applicationName: row.application_name, clientAddress: row.client_addr, backendStart: row.backend_start.toISOString(), state: row.state }
    : null;
}
