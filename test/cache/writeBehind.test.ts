import { expect } from 'chai';
import pg from 'pg';
import { createCache, type DbarchCache } from '../../gateway/cache/createCache.ts';
import { isDbarchError } from '../../errors/DbarchError.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';
import { redisProxy } from './redisProxy.ts';

describe('write-behind: cache.enqueue and the flusher (Redis stream + consumer group → PostgreSQL)', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let cache: DbarchCache;

  before(async () => {
    db = await freshDatabase('write_behind');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE TABLE writes (key text NOT NULL, value int NOT NULL)'); // no unique key: a double apply shows as two rows
    redis = await freshRedis('write_behind');
    cache = createCache({ provider: 'redis', key_prefix: redis.prefix, write_behind: { batch_size: 50 }, ttl_policies: [{ pattern: 'counter:*', ttl: 3600 }] });
    await cache.ready();
  });
  after(async () => {
    cache.close();
    await redis.cleanup();
    await pool.end();
    await db.drop();
  });

  it('lands every enqueued write exactly once across a flusher SIGKILLed mid-batch and one killed between commit and acknowledgement', async () => {
    for (let i = 0; i < 300; i++) await cache.enqueue(`counter:${i}`, i);
    // Cached at once, before any flush.
    expect(await cache.getOrLoad('counter:7', () => Promise.reject(new Error('not cached')))).to.equal(7);
    expect(await rowCount(pool)).to.equal(0);
    const env = { WB_DATABASE_URL: db.url, WB_PREFIX: redis.prefix };
    const stream = `${redis.prefix}__write_behind`;

    const slow = spawnTs('test/cache/writeBehindFlusherChild.ts', ['slow', 'a'], env);
    await slow.waitForLine(/^writing 50/);
    slow.process.kill('SIGKILL'); // inside the batch's transaction, rows inserted but not committed
    expect(await slow.exited).to.equal('SIGKILL');
    const pendingAfterKill = (await redis.redis.xpending(stream, 'dbarch-flusher')) as [number, ...unknown[]];
    expect(pendingAfterKill[0]).to.equal(50);

    const dying = spawnTs('test/cache/writeBehindFlusherChild.ts', ['die-after-commit', 'a'], env);
    expect(await dying.exited).to.equal('SIGKILL');
    expect(dying.output()).to.match(/committed 50/);
    // Committed in PostgreSQL, still unacknowledged in Redis: the redelivery must be skipped.
    expect(await rowCount(pool)).to.equal(50);
    expect(((await redis.redis.xpending(stream, 'dbarch-flusher')) as [number])[0]).to.equal(50);

    const drain = spawnTs('test/cache/writeBehindFlusherChild.ts', ['drain', 'b'], env);
    expect(await drain.exited, drain.output()).to.equal(0);
    expect(drain.output()).to.match(/committed 0\n/); // the claimed, already-applied batch wrote nothing

    const rows = (await pool.query<{ key: string; value: number; n: string }>('SELECT key, value, count(*) AS n FROM writes GROUP BY key, value')).rows;
    expect(rows).to.have.length(300);
    expect(rows.every((r) => r.n === '1' && r.key === `counter:${r.value}`)).to.equal(true);
    expect(await redis.redis.xlen(stream)).to.equal(0);
    expect(((await redis.redis.xpending(stream, 'dbarch-flusher')) as [number])[0]).to.equal(0);
  });

  it('flushes on its interval once started, and refuses an enqueue Redis cannot take with DBA_CACHE_UNAVAILABLE', async () => {
    await pool.query('TRUNCATE writes');
    const flusher = cache.flusher({ pool, intervalMs: 100, consumer: 'timer', write: async (client, entries) => {
      for (const e of entries) await client.query('INSERT INTO writes (key, value) VALUES ($1, $2)', [e.key, e.value]);
    } });
    flusher.start();
    try {
      for (let i = 0; i < 10; i++) await cache.enqueue(`counter:t${i}`, 1000 + i);
      await eventually(async () => ((await rowCount(pool)) === 10 ? true : undefined), 'the timed flush');
    } finally {
      await flusher.stop();
    }
    const proxy = await redisProxy();
    const offline = createCache({ provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'counter:*', ttl: 3600 }] }, { redisUrl: proxy.url });
    try {
      await offline.ready();
      proxy.cut();
      const error = await offline.enqueue('counter:lost', 1).then(() => undefined, (e: unknown) => e);
      expect(isDbarchError(error) && error.code).to.equal('DBA_CACHE_UNAVAILABLE');
    } finally {
      offline.close();
      proxy.close();
    }
    expect(await redis.redis.xlen(`${redis.prefix}__write_behind`), 'nothing queued by the refused enqueue').to.equal(0);
  });
});

async function rowCount(pool: pg.Pool): Promise<number> {
  return Number((await pool.query<{ count: string }>('SELECT count(*) FROM writes')).rows[0]?.count);
}
