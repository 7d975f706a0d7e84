import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';

/**
 * A connection from the pool, or DBA_POOL_EXHAUSTED once `timeoutMs` passes with every connection busy. The
 * timer is set only when the caller has to queue, so the common case costs nothing; a waiter that gave up
 * hands the connection it eventually gets straight back.
 */
export function acquireConnection(pool: pg.Pool, max: number, timeoutMs: number, endpoint: string): Promise<pg.PoolClient> {
  if (pool.idleCount > 0 || pool.totalCount < max) return pool.connect();
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      reject(new DbarchError('DBA_POOL_EXHAUSTED', `${endpoint}: no connection of ${max} became free within ${timeoutMs} ms`, { details: { endpoint, max, timeoutMs, waiting: pool.waitingCount } }));
    }, timeoutMs);
    pool.connect().then(
      (client) => {
        if (gaveUp) client.release();
        else {
          clearTimeout(timer);
          resolve(client);
        }
      },
      (error: Error) => {
        if (gaveUp) return;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
