import type pg from 'pg';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';

/** An invalidation that could not reach Redis, replayed when it is back. */
export type PendingInvalidation = { readonly kind: 'key' | 'tag' | 'version'; readonly target: string };

/** Where pending invalidations outlive the process: added while Redis is down, removed once replayed. */
export interface PendingSpool {
  /** Records the invalidation; resolves with a token of this recording (what `remove` compares with). */
  add(item: PendingInvalidation): Promise<string>;
  /** Removes it unless it was recorded again since the recording `token` names (another process's outage). */
  remove(item: PendingInvalidation, token: string): Promise<void>;
  load(): Promise<readonly { readonly item: PendingInvalidation; readonly token: string }[]>;
}

const table = 'dbarch.cache_pending_invalidations';

/**
 * The spool in the application's database: it outlives the process and the host (a replaced container), and every
 * process of the application sharing the cache sees it, so whichever comes up next replays what a killed one left.
 * PostgreSQL is what the cache serves reads from during a Redis outage anyway. Rows are per key prefix.
 */
export function postgresPendingSpool(pool: pg.Pool, prefix: string): PendingSpool {
  let created: Promise<unknown> | undefined;
  // dbarch's own versioned migrations make the table (activities/schema/cache/).
  const ready = () =>
    (created ??= ensureDbarchSchema('cache', pool)
      .catch((error: unknown) => {
        created = undefined;
        throw error;
      }));
  return {
    async add(item) {
      await ready();
      const { rows } = await pool.query<{ token: string }>(
        `INSERT INTO ${table} (prefix, kind, target) VALUES ($1, $2, $3)
         ON CONFLICT (prefix, kind, target) DO UPDATE SET token = gen_random_uuid()::text, recorded_at = clock_timestamp() RETURNING token`,
        [prefix, item.kind, item.target],
      );
      return rows[0]?.token ?? '';
    },
    async remove(item, token) {
      await ready();
      await pool.query(`DELETE FROM ${table} WHERE prefix = $1 AND kind = $2 AND target = $3 AND token = $4`, [prefix, item.kind, item.target, token]);
    },
    async load() {
      await ready();
      const { rows } = await pool.query<{ kind: PendingInvalidation['kind']; target: string; token: string }>(`SELECT kind, target, token FROM ${table} WHERE prefix = $1 ORDER BY recorded_at`, [prefix]);
      return rows.map((r) => ({ item: { kind: r.kind, target: r.target }, token: r.token }));
    },
  };
}
