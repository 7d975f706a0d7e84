import type pg from 'pg';
import { parseLsn, type Lsn } from './Lsn.ts';

const pollMs = 5;

/**
 * Waits up to `waitMs` for a standby to replay `position`; returns the position it reached when it did, or
 * undefined when time ran out. Replay only moves forward, so queries after this on the server see that data.
 */
export async function awaitReplayPosition(connection: pg.PoolClient, position: Lsn, waitMs: number): Promise<Lsn | undefined> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const { rows } = await connection.query<{ replayed: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS replayed');
    const replayed = rows[0]?.replayed == null ? undefined : parseLsn(rows[0].replayed);
    if (replayed !== undefined && replayed >= position) return replayed;
    if (performance.now() + pollMs > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
