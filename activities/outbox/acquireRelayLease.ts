import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { outboxLockClass, relayLeaseKey } from './outboxTable.ts';
import type { RelayProgress } from './RelayProgress.ts';
import type { RelayRun } from './relayOutbox.ts';
import { toRelayDatabaseError } from './toRelayDatabaseError.ts';

/**
 * One active relay per database: a session advisory lock on a connection kept for the whole attempt. A second
 * relay (a retried attempt while the old worker's session lingers, a second worker) waits here, heartbeating, and
 * takes over once the holder's session ends; a killed worker's session ends with its socket. Returns the client
 * holding the lease; it is released with the pool.
 */
export async function acquireRelayLease(pool: pg.Pool, run: RelayRun, progress: () => RelayProgress): Promise<pg.PoolClient> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toRelayDatabaseError(error, 'connecting');
  }
  let logged = false;
  try {
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [outboxLockClass, relayLeaseKey]);
      if (rows[0]?.locked === true) return client;
      if (run.signal.aborted) throw new DbarchError('DBA_OUTBOX_DATABASE_UNREACHABLE', 'the relay stopped while waiting for the lease another relay holds');
      if (!logged) run.log.info('another relay holds this database\'s lease; waiting for it');
      logged = true;
      run.heartbeat(progress());
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (error) {
    client.release(true);
    throw toRelayDatabaseError(error, 'taking the relay lease');
  }
}
