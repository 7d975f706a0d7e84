// The outbox relay against the naive one (poll, publish, await each confirm), on the same database and broker in
// one run: throughput draining a backlog, and commit→delivery latency (an upper bound of commit→publish) at a
// steady rate. Run: node --import tsx bench/outbox.ts  (BENCH_EVENTS default 30000, BENCH_RATE 1000/s, BENCH_SECONDS 10)
import amqp from 'amqplib';
import pg from 'pg';
import { relayDefaults } from '../activities/outbox/RelayOptions.ts';
import { noProgress } from '../activities/outbox/RelayProgress.ts';
import { relayOutbox } from '../activities/outbox/relayOutbox.ts';
import { outbox } from '../gateway/outbox/outbox.ts';
import { createLogger } from '../runtime/logger.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { freshDatabase } from '../test/support/postgres.ts';

const events = Number(process.env.BENCH_EVENTS ?? 30_000);
const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const pollIntervalMs = relayDefaults.pollIntervalMs;
const log = createLogger({ name: 'bench-outbox', level: 'warn' });

type Relay = (signal: AbortSignal) => Promise<void>;

/** The relay as it is usually written first: read a batch, publish each row and wait for its confirm, delete the batch. */
function naiveRelay(pool: pg.Pool, channel: amqp.ConfirmChannel, exchange: string): Relay {
  return async (signal) => {
    while (!signal.aborted) {
      const { rows } = await pool.query<{ id: string; message_id: string; event_type: string; payload: string }>(
        'SELECT o.id::text AS id, o.message_id::text AS message_id, o.event_type, o.payload::text AS payload FROM dbarch.outbox_events o ORDER BY o.id LIMIT 100',
      );
      if (rows.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
        continue;
      }
      for (const row of rows) {
        channel.publish(exchange, row.event_type, Buffer.from(row.payload), { persistent: true, messageId: row.message_id });
        await channel.waitForConfirms();
      }
      // Deleted as one batch, so the only difference from ours is awaiting each confirm (and no pipelining).
      await pool.query('DELETE FROM dbarch.outbox_events WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
    }
  };
}

function ourRelay(url: string, exchange: string): Relay {
  return async (signal) => {
    await relayOutbox({ ...relayDefaults, databaseUrl: url, amqpUrl: serviceUrls().rabbitmq, exchange }, { signal, heartbeat: () => undefined, log }, noProgress);
  };
}

async function backlog(pool: pg.Pool, n: number): Promise<void> {
  // Bulk-filled: the backlog's cost is not what is measured.
  await pool.query(
    `INSERT INTO dbarch.outbox_events (event_type, event_key, payload) SELECT 'order.placed', 'k' || (i % 100), jsonb_build_object('seq', i, 'at', 0) FROM generate_series(1, $1) AS i`,
    [n],
  );
}

async function remaining(pool: pg.Pool): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dbarch.outbox_events')).rows[0]?.n ?? 0;
}

async function throughput(pool: pg.Pool, relay: Relay): Promise<number> {
  await backlog(pool, events);
  const stop = new AbortController();
  const started = performance.now();
  const running = relay(stop.signal);
  while ((await remaining(pool)) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsed = (performance.now() - started) / 1000;
  stop.abort();
  await running;
  return events / elapsed;
}

/** Commits `rate` events per second for `seconds` (one per transaction, as applications do) and measures commit → delivery. */
async function latency(pool: pg.Pool, relay: Relay, channel: amqp.Channel, queue: string): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  const { consumerTag } = await channel.consume(
    queue,
    (message) => {
      if (message === null) return;
      const { at } = JSON.parse(message.content.toString()) as { at: number };
      if (at > 0) samples.push(Date.now() - at);
    },
    { noAck: true },
  );
  const stop = new AbortController();
  const running = relay(stop.signal);
  const writers = 4;
  const perWriter = Math.round((rate * seconds) / writers);
  const interval = (1000 * writers) / rate;
  const start = Date.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const client = await pool.connect();
      try {
        for (let i = 0; i < perWriter; i++) {
          const due = start + (i * interval) + (w * interval) / writers;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          await client.query('BEGIN');
          await outbox.append(client, 'order.placed', { seq: i, at: Date.now() }, { key: `w${w}` });
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  while ((await remaining(pool)) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  while (samples.length < perWriter * writers) await new Promise((resolve) => setTimeout(resolve, 20));
  stop.abort();
  await running;
  await channel.cancel(consumerTag);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const db = await freshDatabase('bench_outbox');
  const connection = await amqp.connect(serviceUrls().rabbitmq);
  const channel = await connection.createConfirmChannel();
  const suffix = Math.random().toString(16).slice(2, 10);
  const exchange = `dbarch-bench.${suffix}.events`;
  const queue = `dbarch-bench.${suffix}.all`;
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  try {
    await outbox.migrate(db.url);
    await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, '#');
    const ours = ourRelay(db.url, exchange);
    const naive = naiveRelay(pool, channel, exchange);

    const oursRate = await throughput(pool, ours);
    await channel.purgeQueue(queue);
    const naiveRate = await throughput(pool, naive);
    await channel.purgeQueue(queue);
    const oursLatency = await latency(pool, ours, channel, queue);
    const naiveLatency = await latency(pool, naive, channel, queue);

    const f = (n: number) => n.toFixed(0);
    console.log(`outbox relay, ${events} events backlog; ${rate}/s for ${seconds}s committed one per transaction (poll ${pollIntervalMs} ms both)`);
    console.log(`throughput   dbarch ${f(oursRate)} events/s   naive ${f(naiveRate)} events/s   ratio ${(oursRate / naiveRate).toFixed(2)}x`);
    console.log(`commit→delivery at ${rate}/s   dbarch p50 ${oursLatency.p50} ms p99 ${oursLatency.p99} ms   naive p50 ${naiveLatency.p50} ms p99 ${naiveLatency.p99} ms   p99 naive/dbarch ${(naiveLatency.p99 / oursLatency.p99).toFixed(2)}x`);
  } finally {
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await connection.close();
    await pool.end();
    await db.drop();
  }
}

await main();
