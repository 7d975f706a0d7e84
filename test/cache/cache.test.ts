import { expect } from 'chai';
import pg from 'pg';
import { keyPatternMatcher } from '../../activities/cache/keyPatternMatcher.ts';
import { createCache, type DbarchCache } from '../../gateway/cache/createCache.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';
import { redisProxy } from './redisProxy.ts';

describe('the cache library (createCache from cache_config) on Redis and PostgreSQL', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;
  let cache: DbarchCache;
  let loads = 0;
  const loadUser = async (id: number) => {
    loads += 1;
    return (await pool.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id])).rows[0]?.name ?? null;
  };
  const saveUser = (id: number) => async (name: string | null) => {
    await pool.query('UPDATE users SET name = $2 WHERE id = $1', [id, name]);
  };

  before(async () => {
    db = await freshDatabase('cache');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await pool.query(`CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 10) AS i`);
    redis = await freshRedis('cache');
    proxy = await redisProxy();
    cache = createCache(
      { provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'user:*', ttl: 3600 }, { pattern: 'session:*', ttl: '30m' }] },
      { redisUrl: proxy.url },
    );
    await cache.ready();
  });
  after(async () => {
    cache.close();
    proxy.close();
    await redis.cleanup();
    await pool.end();
    await db.drop();
  });

  it('matches TTL patterns as Redis globs', () => {
    expect(['user:1', 'user:', 'users:1', 'session:x'].filter(keyPatternMatcher('user:*'))).to.deep.equal(['user:1', 'user:']);
    expect(['a1', 'ab', 'a'].filter(keyPatternMatcher('a?'))).to.deep.equal(['a1', 'ab']);
  });

  it('caches aside with the TTL of the first matching pattern; a key no policy matches is not cached', async () => {
    loads = 0;
    expect(await cache.getOrLoad('user:1', () => loadUser(1))).to.equal('user 1');
    expect(await cache.getOrLoad('user:1', () => loadUser(1))).to.equal('user 1');
    expect(loads).to.equal(1);
    const ttl = await redis.redis.pttl(`${redis.prefix}user@0:1`);
    expect(ttl).to.be.within(3_500_000, 3_600_000);
    await cache.getOrLoad('order:1', () => loadUser(1));
    await cache.getOrLoad('order:1', () => loadUser(1));
    expect(loads, 'order:* has no TTL policy').to.equal(3);
  });

  it('loads a key once for many concurrent misses (single-flight)', async () => {
    loads = 0;
    const values = await Promise.all(Array.from({ length: 25 }, () => cache.getOrLoad('user:2', () => loadUser(2))));
    expect(new Set(values)).to.deep.equal(new Set(['user 2']));
    expect(loads).to.equal(1);
  });

  it('writes through (database first), invalidates by tag and by namespace version', async () => {
    await cache.writeThrough('user:3', 'renamed', saveUser(3), { tags: ['team:a'] });
    expect((await pool.query('SELECT name FROM users WHERE id = 3')).rows[0]).to.deep.equal({ name: 'renamed' });
    loads = 0;
    expect(await cache.getOrLoad('user:3', () => loadUser(3))).to.equal('renamed');
    await cache.getOrLoad('user:4', () => loadUser(4), { tags: ['team:a'] });
    await cache.getOrLoad('user:5', () => loadUser(5), { tags: ['team:b'] });
    expect(loads).to.equal(2);
    await cache.invalidateTag('team:a');
    expect(await redis.redis.exists(`${redis.prefix}user@0:3`, `${redis.prefix}user@0:4`, `${redis.prefix}user@0:5`)).to.equal(1);

    loads = 0;
    await cache.bumpVersion('user');
    await cache.getOrLoad('user:5', () => loadUser(5));
    expect(loads, 'the bump made user:5 unreachable').to.equal(1);
  });

  it('serves reads from PostgreSQL while Redis is unreachable and replays invalidations on its return: nothing stale survives', async () => {
    await cache.getOrLoad('user:6', () => loadUser(6), { tags: ['team:c'] });
    await cache.getOrLoad('user:7', () => loadUser(7), { tags: ['team:c'] });
    proxy.cut();
    await eventually(() => Promise.resolve(cache.redis.status !== 'ready' ? true : undefined), 'the client to see the outage');
    await pool.query(`UPDATE users SET name = 'changed 7' WHERE id = 7`);
    await cache.writeThrough('user:6', 'changed 6', saveUser(6));
    await cache.invalidateTag('team:c');
    loads = 0;
    expect(await cache.getOrLoad('user:6', () => loadUser(6)), 'served by the loader during the outage').to.equal('changed 6');
    expect(loads).to.equal(1);
    expect(cache.pending()).to.equal(2);
    // Redis itself still holds the old entries: they must not be served after the outage.
    const version = (await redis.redis.get(`${redis.prefix}__version:user`)) ?? '0';
    expect(await redis.redis.get(`${redis.prefix}user@${version}:6`)).to.equal(JSON.stringify('user 6'));

    proxy.restore();
    await cache.flushed();
    expect(cache.pending()).to.equal(0);
    expect(await redis.redis.exists(`${redis.prefix}user@${version}:6`, `${redis.prefix}user@${version}:7`), 'the replayed invalidations removed them').to.equal(0);
    expect(await cache.getOrLoad('user:7', () => loadUser(7))).to.equal('changed 7');
    expect(await cache.getOrLoad('user:6', () => loadUser(6))).to.equal('changed 6');
  });

  it('counts lookups by policy and result, invalidations by kind, and pending invalidations, for Prometheus', async () => {
    const value = async (name: string, labels: Record<string, string>) => {
      const metric = (await cache.metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
      return metric?.values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))?.value ?? 0;
    };
    const at = { prefix: redis.prefix, policy: 'session:*' };
    const [hits, misses, tags] = [await value('dbarch_cache_lookups_total', { ...at, result: 'hit' }), await value('dbarch_cache_lookups_total', { ...at, result: 'miss' }), await value('dbarch_cache_invalidations_total', { prefix: redis.prefix, kind: 'tag' })];
    await cache.getOrLoad('session:metrics', () => Promise.resolve('s'));
    await cache.getOrLoad('session:metrics', () => Promise.resolve('s'));
    await cache.invalidateTag('team:metrics');
    expect(await value('dbarch_cache_lookups_total', { ...at, result: 'miss' })).to.equal(misses + 1);
    expect(await value('dbarch_cache_lookups_total', { ...at, result: 'hit' })).to.equal(hits + 1);
    expect(await value('dbarch_cache_invalidations_total', { prefix: redis.prefix, kind: 'tag' })).to.equal(tags + 1);
    // The outage test above counted its reads served around Redis as bypasses.
    expect(await value('dbarch_cache_lookups_total', { prefix: redis.prefix, policy: 'user:*', result: 'bypass' })).to.be.greaterThan(0);
    expect(await value('dbarch_cache_pending_invalidations', { prefix: redis.prefix })).to.equal(0);
  });
});
