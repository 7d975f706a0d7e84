import type { Redis } from 'ioredis';
import { DbarchError } from '../../errors/DbarchError.ts';
import { cacheKeys } from './cacheKeys.ts';
import type { CacheObserver } from './CacheObserver.ts';
import type { CachePolicy } from './CachePolicy.ts';
import { keyPatternMatcher } from './keyPatternMatcher.ts';
import type { PendingInvalidation, PendingSpool } from './pendingSpool.ts';

export interface LoadOptions {
  /** Tags the entry is filed under, for `invalidateTag`. */
  readonly tags?: readonly string[];
}


export interface RedisCache {
  /** Cache-aside: the cached value, or `loader`'s (one loader per key at a time in this process), cached with its TTL. */
  getOrLoad<T>(key: string, loader: () => Promise<T>, options?: LoadOptions): Promise<T>;
  /** Write-through: `write` (the database) first, then the cache; the value is returned. */
  writeThrough<T>(key: string, value: T, write: (value: T) => Promise<void>, options?: LoadOptions): Promise<T>;
  /**
   * Write-behind: the value is cached and appended to the write-behind stream in one Redis transaction; the
   * flusher (writeBehindFlusher) writes it to PostgreSQL later. Resolves with the stream id; DBA_CACHE_UNAVAILABLE
   * when Redis does not take it (nothing was queued).
   */
  enqueue<T>(key: string, value: T, options?: LoadOptions): Promise<string>;
  invalidate(key: string): Promise<void>;
  /** Evicts every entry filed under the tag. */
  invalidateTag(tag: string): Promise<void>;
  /** Version invalidation: every key of the namespace (`user` for `user:42`) is read afresh after the bump. */
  bumpVersion(namespace: string): Promise<void>;
  /** Invalidations waiting for Redis to come back. */
  pending(): number;
  /** Resolves once every pending invalidation reached Redis (immediately when none is pending). */
  flushed(): Promise<void>;
}

/**
 * The cache of cache_config on Redis. Physical keys carry the namespace's version (cacheKeys), so a
 * version bump makes every old entry unreachable at once (they expire by TTL). Redis unavailable: reads are
 * served by the loader (PostgreSQL) and not cached, writes go to the database only, and every invalidation
 * asked for meanwhile — and the key of every write-through — is kept and replayed when Redis is ready again, so
 * no entry cached before the outage survives it stale. The client should not queue commands while offline
 * (`enableOfflineQueue: false`), so an outage is seen at once instead of after a timeout.
 */
export function redisCache(redis: Redis, policy: CachePolicy, spool?: PendingSpool, observer?: CacheObserver): RedisCache {
  const ttls = policy.ttls.map((p) => ({ matches: keyPatternMatcher(p.pattern), ttlMs: p.ttlMs, pattern: p.pattern }));
  const ttlOf = (key: string) => ttls.find((t) => t.matches(key))?.ttlMs;
  const policyOf = (key: string) => ttls.find((t) => t.matches(key))?.pattern ?? 'uncached';
  const { namespaceOf, version: versionKey, tag: tagKey, entry: physical, writeBehind } = cacheKeys(policy.keyPrefix);
  const inFlight = new Map<string, Promise<unknown>>();
  const pending = new Map<string, { item: PendingInvalidation; token?: string }>();
  let replaying: Promise<void> | undefined;
  const idOf = (item: PendingInvalidation) => `${item.kind} ${item.target}`;

  const replay = async () => {
    await spoolLoaded;
    for (const [id, { item, token }] of [...pending]) {
      await apply(item);
      pending.delete(id);
      if (token !== undefined) await spool?.remove(item, token).catch(() => undefined); // a row left is replayed again: harmless
    }
  };
  const startReplay = () => {
    replaying ??= replay().finally(() => {
      replaying = undefined;
    });
    // A failed replay (Redis gone again) keeps what is left for the next 'ready'.
    replaying.catch(() => undefined);
  };
  redis.on('ready', startReplay);
  // What a process killed during an outage left in the spool: nothing is read from Redis until it is replayed.
  const spoolLoaded: Promise<void> = (async () => {
    if (spool === undefined) return;
    try {
      for (const { item, token } of await spool.load()) pending.set(idOf(item), { item, token });
    } catch {
      // PostgreSQL unavailable at start: nothing more can be done; the spool is read again by the next process
    }
    if (pending.size > 0 && redis.status === 'ready') startReplay();
  })();

  async function apply(item: PendingInvalidation): Promise<void> {
    if (item.kind === 'version') {
      await redis.incr(versionKey(item.target));
    } else if (item.kind === 'tag') {
      const members = await redis.smembers(tagKey(item.target));
      await redis.del(tagKey(item.target), ...members);
    } else {
      const version = (await redis.get(versionKey(namespaceOf(item.target)))) ?? '0';
      await redis.del(physical(item.target, version));
    }
  }

  async function invalidation(item: PendingInvalidation): Promise<void> {
    try {
      await apply(item);
    } catch {
      const entry: { item: PendingInvalidation; token?: string } = { item };
      pending.set(idOf(item), entry);
      try {
        entry.token = await spool?.add(item);
      } catch {
        // PostgreSQL unreachable as well: the invalidation is kept in this process only
      }
    }
  }

  /** Whether the value is in Redis now (false when no policy caches the key or Redis is unavailable). */
  async function store(key: string, value: unknown, tags: readonly string[]): Promise<boolean> {
    const ttlMs = ttlOf(key);
    if (ttlMs === undefined) return false;
    try {
      const version = (await redis.get(versionKey(namespaceOf(key)))) ?? '0';
      const name = physical(key, version);
      const multi = redis.multi().set(name, JSON.stringify(value), 'PX', ttlMs);
      for (const tag of tags) multi.sadd(tagKey(tag), name).pexpire(tagKey(tag), ttlMs, 'GT').pexpire(tagKey(tag), ttlMs, 'NX');
      await multi.exec();
      return true;
    } catch {
      return false; // Redis is unavailable: the value is simply not cached
    }
  }

  async function read(key: string): Promise<{ hit: true; value: unknown } | { hit: false }> {
    await spoolLoaded;
    if (pending.size > 0) { // Redis may hold stale entries until the replay is done
      observer?.lookup(policyOf(key), 'bypass');
      return { hit: false };
    }
    try {
      const version = (await redis.get(versionKey(namespaceOf(key)))) ?? '0';
      const text = await redis.get(physical(key, version));
      observer?.lookup(policyOf(key), text === null ? 'miss' : 'hit');
      return text === null ? { hit: false } : { hit: true, value: JSON.parse(text) as unknown };
    } catch {
      observer?.lookup(policyOf(key), 'bypass');
      return { hit: false };
    }
  }

  return {
    async getOrLoad<T>(key: string, loader: () => Promise<T>, options: LoadOptions = {}): Promise<T> {
      const cached = await read(key);
      if (cached.hit) return cached.value as T;
      const running = inFlight.get(key);
      if (running !== undefined) return running as Promise<T>;
      const load = (async () => {
        try {
          const value = await loader();
          if (pending.size === 0) await store(key, value, options.tags ?? []);
          return value;
        } finally {
          inFlight.delete(key);
        }
      })();
      inFlight.set(key, load);
      return load;
    },
    async writeThrough<T>(key: string, value: T, write: (value: T) => Promise<void>, options: LoadOptions = {}): Promise<T> {
      await write(value);
      // The database has the new value; an entry cached before must not outlive an outage.
      const stored = pending.size === 0 && ttlOf(key) !== undefined && (await store(key, value, options.tags ?? []));
      if (!stored) await invalidation({ kind: 'key', target: key });
      return value;
    },
    async enqueue<T>(key: string, value: T, options: LoadOptions = {}): Promise<string> {
      const text = JSON.stringify(value);
      const ttlMs = ttlOf(key);
      let results: [Error | null, unknown][] | null;
      try {
        const version = (await redis.get(versionKey(namespaceOf(key)))) ?? '0';
        const name = physical(key, version);
        const multi = redis.multi();
        // While invalidations are pending Redis may hold stale entries: the value is queued but not cached.
        if (ttlMs !== undefined && pending.size === 0) {
          multi.set(name, text, 'PX', ttlMs);
          for (const tag of options.tags ?? []) multi.sadd(tagKey(tag), name).pexpire(tagKey(tag), ttlMs, 'GT').pexpire(tagKey(tag), ttlMs, 'NX');
        }
        multi.xadd(writeBehind, '*', 'key', key, 'value', text);
        results = await multi.exec();
      } catch (error) {
        throw new DbarchError('DBA_CACHE_UNAVAILABLE', `write-behind of ${key}: ${(error as Error).message}`);
      }
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (results === null || failed) throw new DbarchError('DBA_CACHE_UNAVAILABLE', `write-behind of ${key}: ${failed?.message ?? 'transaction aborted'}`);
      return String(results.at(-1)?.[1]);
    },
    invalidate: (key) => (observer?.invalidation('key'), invalidation({ kind: 'key', target: key })),
    invalidateTag: (tag) => (observer?.invalidation('tag'), invalidation({ kind: 'tag', target: tag })),
    bumpVersion: (namespace) => (observer?.invalidation('version'), invalidation({ kind: 'version', target: namespace })),
    pending: () => pending.size,
    async flushed() {
      await spoolLoaded;
      while (pending.size > 0) {
        await (replaying ?? new Promise((resolve) => redis.once('ready', resolve)));
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
