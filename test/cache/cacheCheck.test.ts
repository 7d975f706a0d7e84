import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { CacheConfig } from '../../compiler/sections/cache_config/schema.ts';
import { createCache, type DbarchCache } from '../../gateway/cache/createCache.ts';
import { runCli } from '../cli/runCli.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';

describe('dbarch cache check <spec>', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let cache: DbarchCache;
  let spec: string;

  before(async () => {
    db = await freshDatabase('cache_check');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query(`CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 5) AS i`);
    redis = await freshRedis('cache_check');
    const config: CacheConfig = {
      provider: 'redis',
      database: db.name,
      key_prefix: redis.prefix,
      ttl_policies: [{ pattern: 'user:*', ttl: 3600, source: 'SELECT name FROM users WHERE id = $1::int' }],
    };
    spec = join(mkdtempSync(join(tmpdir(), 'dbarch-cache-check-')), 'spec.yaml');
    writeFileSync(spec, `cache_config:\n  provider: redis\n  database: ${db.name}\n  key_prefix: "${redis.prefix}"\n  ttl_policies:\n    - pattern: "user:*"\n      ttl: 3600\n      source: "SELECT name FROM users WHERE id = $1::int"\n`);
    cache = createCache(config);
    await cache.ready();
    for (let id = 1; id <= 5; id++) await cache.getOrLoad(`user:${id}`, async () => (await pool.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id])).rows[0]?.name);
  });
  after(async () => {
    cache.close();
    await redis.cleanup();
    await pool.end();
    await db.drop();
  });

  it('finds the entry whose row changed without an invalidation, and passes once it is invalidated', async () => {
    const clean = await runCli(['cache', 'check', spec, '--format', 'json']);
    expect(clean.code, clean.output).to.equal(0);
    expect(JSON.parse(clean.output.trim().split('\n').at(-1) ?? '{}')).to.deep.equal({ checked: 5, stale: [] });

    await pool.query(`UPDATE users SET name = 'renamed' WHERE id = 2`);
    const stale = await runCli(['cache', 'check', spec, '--format', 'json']);
    expect(stale.code, stale.output).to.equal(1);
    expect(JSON.parse(stale.output.trim().split('\n').at(-1) ?? '{}')).to.deep.equal({ checked: 5, stale: [{ key: 'user:2', cached: 'user 2', actual: 'renamed' }] });

    await cache.invalidate('user:2');
    const fixed = await runCli(['cache', 'check', spec]);
    expect(fixed.code, fixed.output).to.equal(0);
    expect(fixed.output).to.match(/4 entries checked, 0 stale/);
  });

  it('is a usage error without an action or a source to compare with', async () => {
    expect((await runCli(['cache', spec])).code).to.equal(2);
    const bare = join(mkdtempSync(join(tmpdir(), 'dbarch-cache-check-')), 'spec.yaml');
    writeFileSync(bare, 'cache_config:\n  provider: redis\n  ttl_policies:\n    - { pattern: "user:*", ttl: 60 }\n');
    expect((await runCli(['cache', 'check', bare])).code).to.equal(2);
  });
});
