import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createCache, type DbarchCache } from '../../gateway/cache/createCache.ts';
import { runCli } from '../cli/runCli.ts';
import { spawnTs } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';
import { redisProxy, type RedisProxy } from './redisProxy.ts';

describe('pending invalidations spooled in PostgreSQL survive a process killed during a Redis outage', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let proxy: RedisProxy;
  let cache: DbarchCache;
  let spec: string;

  before(async () => {
    db = await freshDatabase('cache_spool');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query(`CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 5) AS i`);
    redis = await freshRedis('cache_spool');
    proxy = await redisProxy();
    spec = join(mkdtempSync(join(tmpdir(), 'dbarch-cache-spool-')), 'spec.yaml');
    writeFileSync(spec, `cache_config:\n  provider: redis\n  database: ${db.name}\n  key_prefix: "${redis.prefix}"\n  ttl_policies:\n    - pattern: "user:*"\n      ttl: 3600\n      source: "SELECT name FROM users WHERE id = $1::int"\n`);
    cache = createCache({ provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'user:*', ttl: 3600 }] });
    await cache.ready();
    for (let id = 1; id <= 5; id++) await cache.getOrLoad(`user:${id}`, async () => (await pool.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id])).rows[0]?.name);
  });
  after(async () => {
    cache.close();
    proxy.close();
    await redis.cleanup();
    await pool.end();
    await db.drop();
  });

  it('replays them from the spool in the next process: no stale entry by dbarch cache check', async () => {
    const env = { SPOOL_DATABASE_URL: db.url, SPOOL_PREFIX: redis.prefix, SPOOL_REDIS_URL: proxy.url };
    const app = spawnTs('test/cache/pendingSpoolChild.ts', ['outage'], env);
    await app.waitForLine(/^ready/);
    proxy.cut();
    await app.waitForLine(/^pending 2/);
    app.process.kill('SIGKILL');
    expect(await app.exited).to.equal('SIGKILL');

    const spooled = await pool.query<{ kind: string; target: string }>('SELECT kind, target FROM dbarch.cache_pending_invalidations WHERE prefix = $1 ORDER BY target', [redis.prefix]);
    expect(spooled.rows).to.deep.equal([{ kind: 'key', target: 'user:2' }, { kind: 'key', target: 'user:3' }]);
    // Redis is back but the process that knew is gone: the two entries are stale now.
    proxy.restore();
    const before = await runCli(['cache', 'check', spec, '--format', 'json']);
    expect(before.code, before.output).to.equal(1);
    expect((JSON.parse(before.output.trim().split('\n').at(-1) ?? '{}') as { stale: { key: string }[] }).stale.map((s) => s.key).sort()).to.deep.equal(['user:2', 'user:3']);

    const next = spawnTs('test/cache/pendingSpoolChild.ts', ['replay'], env);
    expect(await next.exited, next.output()).to.equal(0);
    expect(next.output()).to.match(/^replayed/m);

    const after = await runCli(['cache', 'check', spec, '--format', 'json']);
    expect(after.code, after.output).to.equal(0);
    expect(JSON.parse(after.output.trim().split('\n').at(-1) ?? '{}')).to.deep.equal({ checked: 3, stale: [] });
    expect((await pool.query('SELECT 1 FROM dbarch.cache_pending_invalidations WHERE prefix = $1', [redis.prefix])).rowCount).to.equal(0);
  });
});
