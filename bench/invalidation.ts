// Commit → Redis DEL latency of cache invalidation at a steady update rate: CDC (WAL → dbarch's CDC stream →
// RabbitMQ → the invalidate_on consumer → Redis) against a LISTEN/NOTIFY invalidator (trigger → NOTIFY → listener →
// Redis DEL), on the same cluster, table, Redis and load in one run. Goal: CDC p99 < 10 ms at 1k updates/s.
// Run: node --import tsx bench/invalidation.ts  (BENCH_RATE 1000/s, BENCH_SECONDS 10, BENCH_WRITERS 4)
import amqp from 'amqplib';
import pg from 'pg';
import { noCdcProgress } from '../activities/cdc/CdcProgress.ts';
import type { ChangeEvent } from '../activities/cdc/ChangeEvent.ts';
import { prepareCdc } from '../activities/cdc/prepareCdc.ts';
import { streamCdc } from '../activities/cdc/streamCdc.ts';
import { consumeInvalidations } from '../activities/cache/consumeInvalidations.ts';
import { createCache } from '../gateway/cache/createCache.ts';
import { createLogger } from '../runtime/logger.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { startPgCluster } from '../test/support/pgCluster.ts';
import { freshRedis } from '../test/support/redis.ts';

const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const writers = Number(process.env.BENCH_WRITERS ?? 4);
const log = createLogger({ name: 'bench-invalidation', level: 'error' });

interface Run {
  readonly latencies: number[];
  readonly missed: number;
  readonly achievedRate: number;
}

/** Updates `rate` rows per second (each row once), recording when each commit returned; resolves when all are evicted. */
async function load(url: string, offset: number, evicted: Map<number, number>, committed = new Map<number, number>()): Promise<Run> {
  const total = rate * seconds;
  const clients = await Promise.all(Array.from({ length: writers }, async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return client;
  }));
  const started = performance.now();
  await Promise.all(clients.map(async (client, w) => {
    for (let i = w; i < total; i += writers) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const id = offset + i + 1;
      await client.query('UPDATE items SET v = v + 1 WHERE id = $1', [id]);
      committed.set(id, performance.now());
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));
  const deadline = performance.now() + 10_000;
  while (evicted.size < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const latencies: number[] = [];
  for (const [id, at] of committed) {
    const gone = evicted.get(id);
    // The DEL can land before the writer's COMMIT round trip returns: count it as 0.
    if (gone !== undefined) latencies.push(Math.max(0, gone - at));
  }
  return { latencies: latencies.sort((a, b) => a - b), missed: total - latencies.length, achievedRate: total / elapsed };
}

const pct = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
const line = (name: string, r: Run) =>
  `${name.padEnd(14)} p50 ${pct(r.latencies, 50).toFixed(2)} ms  p99 ${pct(r.latencies, 99).toFixed(2)} ms  max ${(r.latencies.at(-1) ?? Number.NaN).toFixed(2)} ms  (${r.latencies.length} evictions, ${r.missed} missed, ${r.achievedRate.toFixed(0)} updates/s)`;

async function main(): Promise<void> {
  // synchronous_commit on: a walsender only sends flushed WAL, and the test clusters' default (off) leaves the flush
  // to the WAL writer's 200 ms cycle, which would be measured instead of decoding. fsync stays off for both paths.
  const cluster = await startPgCluster({ label: 'bench-invalidation', walLevel: 'logical', settings: { synchronous_commit: 'on' } });
  const redis = await freshRedis('bench-invalidation');
  const mq = await amqp.connect(serviceUrls().rabbitmq);
  try {
    const url = await cluster.createDatabase('bench');
    const total = rate * seconds;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query('CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL)');
    await admin.query('INSERT INTO items SELECT g, 0 FROM generate_series(1, $1) g', [2 * total]);
    const cache = createCache({ provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'item:*', ttl: 3600, invalidate_on: ['items.update'] }] });
    await cache.ready();
    const entry = (id: number) => `${redis.prefix}item@0:${id}`;
    const fill = async (from: number) => {
      const pipeline = redis.redis.pipeline();
      for (let id = from + 1; id <= from + total; id += 1) pipeline.set(entry(id), '"cached"');
      await pipeline.exec();
    };

    // CDC: WAL → stream → RabbitMQ → invalidate_on consumer → Redis DEL.
    await fill(0);
    const exchange = `bench.invalidation.${process.pid}`;
    const queue = `${exchange}.q`;
    const channel = await mq.createChannel();
    // Durable, as the CDC publisher declares it; deleted at the end.
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: false, exclusive: true });
    await channel.bindQueue(queue, exchange, 'database.items.changes');
    const cdcEvicted = new Map<number, number>();
    await consumeInvalidations({
      channel, queue, cache,
      policies: [{ pattern: 'item:*', invalidateOn: ['items.update'] }],
      onInvalidated: (target) => {
        if ('key' in target) cdcEvicted.set(Number(target.key.slice('item:'.length)), performance.now());
      },
    });
    const options = { databaseUrl: url, slot: 'bench_cdc', publication: 'bench_cdc', tables: [{ table: 'items', topic: 'database.items.changes' }], publishTo: 'rabbitmq' as const, amqpUrl: serviceUrls().rabbitmq, exchange, windowEvents: 2000 };
    await prepareCdc(options, log);
    const stop = new AbortController();
    // Split of the CDC path: commit → broker confirm, as the stream sees it.
    const cdcCommitted = new Map<number, number>();
    const confirmed: number[] = [];
    const onPublished = (event: ChangeEvent) => {
      const at = cdcCommitted.get((event.after as { id: number }).id);
      if (at !== undefined) confirmed.push(Math.max(0, performance.now() - at));
    };
    const stream = streamCdc(options, { signal: stop.signal, heartbeat: () => undefined, log, onPublished }, noCdcProgress);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cdc = await load(url, 0, cdcEvicted, cdcCommitted);
    confirmed.sort((a, b) => a - b);
    stop.abort();
    await stream;

    // LISTEN/NOTIFY: trigger → NOTIFY → listener → Redis DEL, same table, same load, fresh rows.
    await fill(total);
    await admin.query(`CREATE FUNCTION notify_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('items', NEW.id::text); RETURN NEW; END $$`);
    await admin.query('CREATE TRIGGER items_notify AFTER UPDATE ON items FOR EACH ROW EXECUTE FUNCTION notify_item()');
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const notifyEvicted = new Map<number, number>();
    listener.on('notification', (n) => {
      const id = Number(n.payload);
      void redis.redis.del(entry(id)).then(() => notifyEvicted.set(id, performance.now()));
    });
    await listener.query('LISTEN items');
    const notify = await load(url, total, notifyEvicted);
    await listener.end();
    await admin.end();
    await channel.deleteExchange(exchange);
    cache.close();

    console.log(`commit → Redis DEL at ${rate} updates/s for ${seconds} s (${writers} writers), this machine, one run`);
    console.log(line('CDC (dbarch)', cdc));
    console.log(`  of which commit → RabbitMQ confirm: p50 ${pct(confirmed, 50).toFixed(2)} ms  p99 ${pct(confirmed, 99).toFixed(2)} ms`);
    console.log(line('LISTEN/NOTIFY', notify));
    console.log(`ratio p99 CDC / LISTEN-NOTIFY: ${(pct(cdc.latencies, 99) / pct(notify.latencies, 99)).toFixed(2)}   goal: CDC p99 < 10 ms: ${pct(cdc.latencies, 99) < 10 ? 'met' : 'not met'}`);
  } finally {
    await mq.close().catch(() => undefined);
    await redis.cleanup();
    await cluster.stop();
  }
}

await main();
