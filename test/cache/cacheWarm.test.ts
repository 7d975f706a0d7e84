import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createCache } from '../../gateway/cache/createCache.ts';
import { runCli } from '../cli/runCli.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';

describe('dbarch cache warm <spec>: cache_config.warming on Redis and PostgreSQL', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let dir: string;
  const specWith = (warming: string) => {
    const path = join(dir, `spec-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      path,
      `cache_config:\n  provider: redis\n  database: ${db.name}\n  key_prefix: "${redis.prefix}"\n  ttl_policies:\n    - pattern: "user:*"\n      ttl: 3600\n      source: "SELECT name FROM users WHERE id = $1::int"\n  warming:\n${warming}`,
    );
    return path;
  };

  before(async () => {
    db = await freshDatabase('cache_warm');
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    await pool.query(`CREATE TABLE users (id int PRIMARY KEY, name text, active bool); INSERT INTO users SELECT i, 'user ' || i, i <= 20 FROM generate_series(1, 30) AS i`);
    redis = await freshRedis('cache_warm');
    dir = mkdtempSync(join(tmpdir(), 'dbarch-cache-warm-'));
  });
  after(async () => {
    await redis.cleanup();
    await pool.end();
    await db.drop();
  });

  it('writes each row under its key with the policy TTL, readable by the cache without a load and consistent by cache check', async () => {
    const spec = specWith(`    - name: active_users\n      query: "SELECT id, name AS value FROM users WHERE active"\n      key: "user:{id}"\n    - name: teams\n      query: "SELECT 1 AS id"\n      key: "team:{id}"\n`);
    const warmed = await runCli(['cache', 'warm', spec, '--format', 'json']);
    expect(warmed.code, warmed.output).to.equal(0);
    expect(JSON.parse(warmed.output.trim().split('\n').at(-1) ?? '{}')).to.deep.equal({
      queries: [
        { name: 'active_users', rows: 20, cached: 20, skipped: 0 },
        { name: 'teams', rows: 1, cached: 0, skipped: 1 }, // no ttl_policies[] matches team:*
      ],
    });
    const ttl = await redis.redis.pttl(`${redis.prefix}user@0:7`);
    expect(ttl).to.be.within(3_500_000, 3_600_000);

    const cache = createCache({ provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'user:*', ttl: 3600 }] });
    try {
      await cache.ready();
      expect(await cache.getOrLoad('user:7', () => Promise.reject(new Error('not warmed')))).to.equal('user 7');
    } finally {
      cache.close();
    }
    const check = await runCli(['cache', 'check', spec, '--format', 'json']);
    expect(check.code, check.output).to.equal(0);
    expect(JSON.parse(check.output.trim().split('\n').at(-1) ?? '{}')).to.deep.equal({ checked: 20, stale: [] });
  });

  it('refuses a failing query or a key naming a missing column with DBA_CACHE_WARM_QUERY, and an unknown --query as usage', async () => {
    const broken = await runCli(['cache', 'warm', specWith(`    - { name: broken, query: "SELECT id FROM no_such_table", key: "user:{id}" }\n`), '--format', 'json']);
    expect(broken.code, broken.output).to.equal(1);
    expect(broken.output).to.include('DBA_CACHE_WARM_QUERY').and.include('no_such_table');
    const column = await runCli(['cache', 'warm', specWith(`    - { name: column, query: "SELECT name FROM users", key: "user:{id}" }\n`), '--format', 'json']);
    expect(column.code, column.output).to.equal(1);
    expect(column.output).to.include('DBA_CACHE_WARM_QUERY').and.include('no column');
    const writes = await runCli(['cache', 'warm', specWith(`    - { name: writes, query: "INSERT INTO users VALUES (99, 'x', true) RETURNING id", key: "user:{id}" }\n`), '--format', 'json']);
    expect(writes.code, writes.output).to.equal(1); // read-only transaction
    expect((await pool.query('SELECT 1 FROM users WHERE id = 99')).rowCount).to.equal(0);
    expect((await runCli(['cache', 'warm', specWith(`    - { name: a, query: "SELECT 1 AS id", key: "user:{id}" }\n`), '--query', 'nope'])).code).to.equal(2);
  });
});
