import type { Channel } from 'amqplib';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { consumeInvalidations } from '../../activities/cache/consumeInvalidations.ts';
import type { CachePolicy } from '../../activities/cache/CachePolicy.ts';
import { cacheKeys } from '../../activities/cache/cacheKeys.ts';
import { cachePolicyOf } from '../../activities/cache/cachePolicyOf.ts';
import { postgresPendingSpool } from '../../activities/cache/pendingSpool.ts';
import { redisCache, type RedisCache } from '../../activities/cache/redisCache.ts';
import { writeBehindFlusher, type WriteBehindFlusher, type WriteBehindFlusherOptions } from '../../activities/cache/writeBehindFlusher.ts';
import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import type { CacheConfig } from '../../compiler/sections/cache_config/schema.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { CacheMetrics } from './CacheMetrics.ts';

export type { LoadOptions, RedisCache } from '../../activities/cache/redisCache.ts';
export type { WriteBehindEntry, WriteBehindFlusher } from '../../activities/cache/writeBehindFlusher.ts';

/** What the application gives the write-behind flusher; interval and batch size default to cache_config.write_behind. */
export type FlusherOptions = Pick<WriteBehindFlusherOptions, 'pool' | 'write' | 'afterCommit'> & Partial<Omit<WriteBehindFlusherOptions, 'pool' | 'write' | 'afterCommit'>>;

export interface DbarchCache extends RedisCache {
  readonly redis: Redis;
  /** Lookups, invalidations and pending invalidations in prom-client form (serve `metrics.registry` at /metrics). */
  readonly metrics: CacheMetrics;
  /** Resolves once Redis is connected the first time; until then the cache behaves as during an outage. */
  ready(): Promise<void>;
  /**
   * Applies the spec's `invalidate_on` to the events of `queue` (bound to the outbox exchange for those events):
   * each event evicts its policies' pattern with the event's key filled in. Returns the consumer tag.
   */
  consumeInvalidations(channel: Channel, queue: string): Promise<string>;
  /**
   * The flusher of `enqueue`d writes (not started: call `start()`): every cache_config.write_behind.flush_interval
   * (default 5s) it applies up to batch_size (default 500) queued writes with `write` in one PostgreSQL transaction.
   * Run one or more per deployment; a killed one loses nothing and applies nothing twice.
   */
  flusher(options: FlusherOptions): WriteBehindFlusher;
  close(): void;
}

export interface CacheOptions {
  readonly redisUrl?: string;
  /**
   * The application's database, where invalidations that could not reach Redis are spooled
   * (dbarch.cache_pending_invalidations) so a process killed during an outage does not lose them: the next process
   * of the same key prefix replays them before it reads from Redis. Without it they are kept in memory only.
   */
  readonly spool?: pg.Pool;
  /** Where the cache's metrics register (e.g. the DatabaseClient's registry, for one /metrics); default its own. */
  readonly registry?: Registry;
}

/**
 * The cache of a spec's cache_config (`import { createCache } from 'dbarch/cache'`), on a Redis client of its own
 * that does not queue commands while disconnected, so an outage is served from the loader at once:
 *
 * ```ts
 * const cache = createCache(spec.cache_config);
 * await cache.ready();
 * const user = await cache.getOrLoad(`user:${id}`, () => db.query(…), { tags: ['team:7'] });
 * await cache.writeThrough(`user:${id}`, changed, (u) => db.query('UPDATE users …', …));
 * await cache.invalidateTag('team:7'); await cache.bumpVersion('user');
 * await cache.enqueue(`counter:${id}`, n); // write-behind: cache.flusher({ pool, write }).start() writes it later
 * ```
 *
 * TTLs come from `ttl_policies` (first matching pattern; keys no policy matches are not cached), key names from
 * `key_prefix`. docs/operations/cache.md has the guarantees.
 */
export function createCache(config: DeepReadonly<CacheConfig>, options: CacheOptions = {}): DbarchCache {
  const policy: CachePolicy = cachePolicyOf(config);
  const interval = parseDuration(config.write_behind?.flush_interval ?? '5s');
  if (!interval.ok) throw new DbarchError('DBA_SPEC_DURATION', `cache_config.write_behind.flush_interval: ${interval.message}`);
  const flushIntervalMs = interval.value;
  let url = options.redisUrl ?? serviceUrls().redis;
  if (options.redisUrl === undefined && config.url !== undefined) {
    const resolved = resolveEnvReferences(config.url, process.env);
    if (!resolved.ok) throw new DbarchError('DBA_SPEC_REFERENCE', `cache_config.url ${config.url}: ${resolved.message}`);
    url = resolved.value;
  }
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: (times) => Math.min(times * 100, 1000) });
  redis.on('error', () => undefined); // outages are handled by the cache; ioredis reconnects
  const connected = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  let pending = () => 0;
  const metrics = new CacheMetrics(policy.keyPrefix, () => pending(), options.registry);
  const cache = redisCache(redis, policy, options.spool && postgresPendingSpool(options.spool, policy.keyPrefix), metrics);
  pending = () => cache.pending();
  const policies = config.ttl_policies.map((p) => ({ pattern: p.pattern, invalidateOn: p.invalidate_on ?? [] }));
  return {
    ...cache,
    redis,
    metrics,
    ready: () => (redis.status === 'ready' ? Promise.resolve() : connected),
    consumeInvalidations: (channel, queue) => consumeInvalidations({ channel, queue, cache, policies }),
    flusher: (options) =>
      writeBehindFlusher(redis, cacheKeys(policy.keyPrefix).writeBehind, {
        intervalMs: flushIntervalMs,
        batchSize: config.write_behind?.batch_size ?? 500,
        consumer: `flusher-${hostname()}`,
        claimIdleMs: 30_000,
        ...options,
      }),
    close: () => {
      metrics.forget();
      redis.disconnect();
    },
  };
}
