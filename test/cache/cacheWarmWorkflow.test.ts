import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyCacheWarmSchedules } from '../../app/applyCacheWarmSchedules.ts';
import { startCacheWarm } from '../../app/startCacheWarm.ts';
import { eventually } from '../support/childProcess.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

describe('dbarch/cache_warm: the step cache/warm run by a workflow on a worker', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let spec: string;

  before(async () => {
    db = await freshDatabase('cache_warm_wf');
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    await pool.query(`CREATE TABLE products (sku text PRIMARY KEY, price int); INSERT INTO products SELECT 'p' || i, i * 10 FROM generate_series(1, 12) AS i`);
    redis = await freshRedis('cache_warm_wf');
    spec = join(mkdtempSync(join(tmpdir(), 'dbarch-cache-warm-wf-')), 'spec.yaml');
    writeFileSync(
      spec,
      `cache_config:\n  provider: redis\n  database: ${db.name}\n  key_prefix: "${redis.prefix}"\n  ttl_policies:\n    - { pattern: "product:*", ttl: 600 }\n  warming:\n    - { name: products, query: "SELECT sku, price AS value FROM products", key: "product:{sku}", ttl: 120, schedule: hourly }\n    - { name: cheap, query: "SELECT sku, price AS value FROM products WHERE price < 30", key: "cheap:{sku}", ttl: 120 }\n`,
    );
  });
  after(async () => {
    await redis.cleanup();
    await pool.end();
    await db.drop();
  });

  it('writes the rows to Redis with the warming TTL and reports the counts as the step output', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cache-warm');
    await withWorker({ taskQueue }, async () => {
      const started = await startCacheWarm(temporal.client, [spec], taskQueue);
      expect(started.workflowId).to.match(new RegExp(`^cache-warm:${db.name}:`));
      const result = (await temporal.client.workflow.getHandle(started.workflowId).result()) as InterpreterResult;
      expect(result.phase).to.equal('succeeded');
      expect(result.steps.warm?.output).to.deep.equal({
        queries: [
          { name: 'products', rows: 12, cached: 12, skipped: 0 },
          { name: 'cheap', rows: 2, cached: 2, skipped: 0 },
        ],
      });
    });
    expect(await redis.redis.get(`${redis.prefix}product@0:p7`)).to.equal('70');
    expect(await redis.redis.pttl(`${redis.prefix}product@0:p7`)).to.be.within(100_000, 120_000);
  });

  it('applies one Temporal Schedule per scheduled warming query; a triggered run warms that query only', async () => {
    await redis.redis.del(`${redis.prefix}product@0:p3`, `${redis.prefix}cheap@0:p1`);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cache-warm-schedule');
    const applied = await applyCacheWarmSchedules(temporal.client, [spec], taskQueue);
    expect(applied.map((a) => [a.scheduleId, a.cron, a.action])).to.deep.equal([[`cache-warm:${db.name}:products`, '0 * * * *', 'created']]);
    expect((await applyCacheWarmSchedules(temporal.client, [spec], taskQueue))[0]?.action).to.equal('updated');
    const handle = temporal.client.schedule.getHandle(applied[0]?.scheduleId ?? '');
    try {
      await withWorker({ taskQueue }, async () => {
        await handle.trigger();
        await eventually(async () => ((await redis.redis.get(`${redis.prefix}product@0:p3`)) === '30' ? true : undefined), 'the scheduled run');
      });
      expect(await redis.redis.get(`${redis.prefix}cheap@0:p1`), 'the unscheduled query is not run').to.equal(null);
    } finally {
      await handle.delete();
    }
  });
});
