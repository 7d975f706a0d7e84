import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startCacheWarm } from '../../app/startCacheWarm.ts';
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
      `cache_config:\n  provider: redis\n  database: ${db.name}\n  key_prefix: "${redis.prefix}"\n  ttl_policies:\n    - { pattern: "product:*", ttl: 600 }\n  warming:\n    - { name: products, query: "SELECT sku, price AS value FROM products", key: "product:{sku}", ttl: 120, schedule: hourly }\n`,
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
      expect(result.steps.warm?.output).to.deep.equal({ queries: [{ name: 'products', rows: 12, cached: 12, skipped: 0 }] });
    });
    expect(await redis.redis.get(`${redis.prefix}product@0:p7`)).to.equal('70');
    expect(await redis.redis.pttl(`${redis.prefix}product@0:p7`)).to.be.within(100_000, 120_000);
  });
});
