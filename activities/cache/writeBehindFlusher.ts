import type { Redis } from 'ioredis';
import type pg from 'pg';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';

/** One write-behind write as the flusher hands it to the application: stream id, logical key, value. */
export interface WriteBehindEntry {
  readonly id: string;
  readonly key: string;
  readonly value: unknown;
}

export interface WriteBehindFlusherOptions {
  /** The application's database; the applied stream ids are recorded there in the batch's transaction. */
  readonly pool: pg.Pool;
  /** Applies a batch (stream order) inside the flusher's transaction; it must use `client`, never another connection. */
  readonly write: (client: pg.PoolClient, entries: readonly WriteBehindEntry[]) => Promise<void>;
  readonly intervalMs: number;
  readonly batchSize: number;
  /** Consumer name in the group; a restarted flusher with the same name takes its unacknowledged entries back at once. */
  readonly consumer: string;
  /** Entries another consumer left unacknowledged this long are claimed (XAUTOCLAIM): that consumer is presumed dead. */
  readonly claimIdleMs: number;
  /** Called after a batch committed, before it is acknowledged in Redis (progress, metrics). */
  readonly afterCommit?: (entries: readonly WriteBehindEntry[]) => void;
}

export interface WriteBehindFlusher {
  /** Applies one batch now; resolves with the number of entries taken from the stream (0: nothing waiting). */
  flushOnce(): Promise<number>;
  /** Flushes every `intervalMs` until stopped (errors, e.g. an outage, are retried at the next tick). */
  start(): void;
  /** Stops the timer and waits for the batch in progress. */
  stop(): Promise<void>;
}

const group = 'dbarch-flusher';
const appliedTable = 'dbarch.cache_write_behind_applied';

type StreamEntry = [id: string, fields: string[]];

const entryOf = ([id, fields]: StreamEntry): WriteBehindEntry => {
  const field = (name: string) => fields[fields.indexOf(name) + 1] ?? '';
  return { id, key: field('key'), value: JSON.parse(field('value')) as unknown };
};

/**
 * The write-behind flusher: entries of the Redis stream, read through a consumer group, applied to PostgreSQL in
 * one transaction that also records their stream ids, acknowledged (and deleted) only after the commit. A kill
 * before the commit leaves the entries pending in the group (taken back by the restarted consumer, or claimed from
 * a dead one after `claimIdleMs`); a kill between commit and acknowledgement redelivers entries whose ids are
 * already recorded, and those are skipped — so nothing is lost and nothing applied twice. A concurrent flusher
 * inserting the same ids waits on the primary key and then skips them.
 */
export function writeBehindFlusher(redis: Redis, stream: string, options: WriteBehindFlusherOptions): WriteBehindFlusher {
  let prepared: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const prepare = async () => {
    try {
      await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String(error).includes('BUSYGROUP')) throw error;
    }
    await ensureDbarchSchema('cache', options.pool); // the applied-id table, from dbarch's own migrations
  };

  const read = async (id: '0' | '>'): Promise<StreamEntry[]> => {
    const reply = (await redis.xreadgroup('GROUP', group, options.consumer, 'COUNT', options.batchSize, 'STREAMS', stream, id)) as [string, StreamEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  };

  /** Own unacknowledged entries first (a restart), then a dead consumer's, then new ones. */
  const nextBatch = async (): Promise<StreamEntry[]> => {
    const own = await read('0');
    if (own.length > 0) return own;
    const [, claimed] = (await redis.xautoclaim(stream, group, options.consumer, options.claimIdleMs, '0-0', 'COUNT', options.batchSize)) as [string, StreamEntry[]];
    if (claimed.length > 0) return claimed;
    return read('>');
  };

  async function flushOnce(): Promise<number> {
    prepared ??= prepare().catch((error: unknown) => {
      prepared = undefined;
      throw error;
    });
    await prepared;
    const batch = await nextBatch();
    if (batch.length === 0) return 0;
    const entries = batch.map(entryOf);
    const ids = entries.map((e) => e.id);
    const client = await options.pool.connect();
    try {
      await client.query('BEGIN');
      const fresh = await client.query<{ id: string }>(`INSERT INTO ${appliedTable} (stream, id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING id`, [stream, ids]);
      const applied = new Set(fresh.rows.map((r) => r.id));
      const toApply = entries.filter((e) => applied.has(e.id));
      if (toApply.length > 0) await options.write(client, toApply);
      await client.query('COMMIT');
      options.afterCommit?.(toApply);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    const acked = await redis.multi().xack(stream, group, ...ids).xdel(stream, ...ids).exec();
    const failed = acked === null ? new Error('acknowledgement aborted') : acked.find(([error]) => error !== null)?.[0];
    if (failed) throw failed; // still pending: the records stay, so the redelivery is skipped
    // Acknowledged ids are never delivered again, so their records are no longer needed (a kill here leaves a few).
    await options.pool.query(`DELETE FROM ${appliedTable} WHERE stream = $1 AND id = ANY($2::text[])`, [stream, ids]);
    return batch.length;
  }

  const tick = async () => {
    try {
      while (!stopped && (await flushOnce()) === options.batchSize);
    } catch {
      // Redis or PostgreSQL unavailable: the entries stay in the stream; the next tick retries.
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, options.intervalMs);
  };

  return {
    flushOnce,
    start() {
      stopped = false;
      running = tick().finally(schedule);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
