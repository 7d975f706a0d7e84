import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyCacheWarmSchedules } from '../../app/applyCacheWarmSchedules.ts';
import { startCacheWarm } from '../../app/startCacheWarm.ts';
import { runCli } from '../cli/runCli.ts';
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
      const run = await runCli(['cache', 'warm', spec, '--workflow', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });
      expect(run.code, run.output).to.equal(0);
      const out = JSON.parse(run.output.trim().split('\n').at(-1) ?? '{}') as { workflowId: string; queries: unknown };
      expect(out.workflowId).to.match(new RegExp(`^cache-warm:${db.name}:`));
      expect(out.queries).to.deep.equal([
        { name: 'products', rows: 12, cached: 12, skipped: 0 },
        { name: 'cheap', rows: 2, cached: 2, skipped: 0 },
      ]);
      // Started again with the same spec: a run of its own (warming is wanted again), overwriting the same entries.
      const again = await startCacheWarm(temporal.client, [spec], taskQueue);
      expect(again.alreadyDone).to.equal(false);
      expect(again.workflowId).to.not.equal(out.workflowId);
      const result = (await temporal.client.workflow.getHandle(again.workflowId).result()) as InterpreterResult;
      expect(result.phase).to.equal('succeeded');
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
    const cli = await runCli(['cache', 'warm', spec, '--schedule', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });
    expect(cli.code, cli.output).to.equal(0);
    expect((JSON.parse(cli.output.trim().split('\n').at(-1) ?? '{}') as { schedules: { action: string }[] }).schedules.map((x) => x.action)).to.deep.equal(['updated']);
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
