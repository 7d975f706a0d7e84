import amqp from 'amqplib';
import pg from 'pg';
import { outbox } from '../../gateway/outbox/outbox.ts';
import { consumeIdempotently } from '../../gateway/outbox/consumeIdempotently.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';

/**
 * An application database with the outbox, a RabbitMQ exchange with one queue bound to every event, and an
 * idempotent consumer writing what it applied to `applied` (in delivery order) in the same database.
 */
export interface OutboxFixture {
  readonly db: TestDatabase;
  readonly mq: TestRabbitmq;
  readonly pool: pg.Pool;
  readonly exchange: string;
  readonly queue: string;
  /** Commits `events` events in transactions of `perTransaction`, keys `k0`…`k<keys-1>` in turn, each with its per-key sequence number. */
  writeEvents(events: number, options?: { keys?: number; perTransaction?: number; type?: string }): Promise<void>;
  /** Starts the idempotent consumer on a connection of its own; `duplicates()` counts redeliveries it dropped. */
  startConsumer(): Promise<void>;
  duplicates(): number;
  applied(): Promise<number>;
  /** Keys whose sequence numbers were not applied in increasing order. */
  outOfOrderKeys(): Promise<string[]>;
  /** Sequence numbers written but never applied, per key. */
  missing(): Promise<number>;
  outboxRows(): Promise<number>;
  close(): Promise<void>;
}

export async function outboxFixture(label: string): Promise<OutboxFixture> {
  const db = await freshDatabase(label);
  const mq = await freshRabbitmq(label);
  const exchange = mq.name('events');
  const queue = mq.name('all');
  await mq.channel.assertExchange(exchange, 'topic', { durable: true });
  await mq.channel.assertQueue(queue, { durable: true });
  await mq.channel.bindQueue(queue, exchange, 'order.#');
  // The consumer commits once per message; not waiting for the WAL flush keeps the suite fast and changes nothing it asserts.
  const pool = new pg.Pool({ connectionString: db.url, max: 6, options: '-c synchronous_commit=off' });
  await outbox.migrate(db.url);
  await pool.query('CREATE TABLE written (key text NOT NULL, seq int NOT NULL, PRIMARY KEY (key, seq))');
  await pool.query('CREATE TABLE applied (n bigint GENERATED ALWAYS AS IDENTITY, key text NOT NULL, seq int NOT NULL, message_id text NOT NULL)');
  const nextSeq = new Map<string, number>();
  let duplicates = 0;
  let consumerConnection: amqp.ChannelModel | undefined;
  return {
    db,
    mq,
    pool,
    exchange,
    queue,
    async writeEvents(events, { keys = 20, perTransaction = 50, type = 'order.placed' } = {}) {
      const client = await pool.connect();
      try {
        for (let done = 0; done < events; ) {
          await client.query('BEGIN');
          const rows: [string, number][] = [];
          for (let i = 0; i < perTransaction && done < events; i++, done++) {
            const key = `k${done % keys}`;
            const seq = (nextSeq.get(key) ?? 0) + 1;
            nextSeq.set(key, seq);
            rows.push([key, seq]);
            await outbox.append(client, type, { key, seq }, { key });
          }
          await client.query('INSERT INTO written (key, seq) SELECT * FROM unnest($1::text[], $2::int[])', [rows.map((r) => r[0]), rows.map((r) => r[1])]);
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    },
    async startConsumer() {
      consumerConnection = await amqp.connect(serviceUrls().rabbitmq);
      consumerConnection.on('error', () => undefined);
      const channel = await consumerConnection.createChannel();
      channel.on('error', () => undefined);
      await consumeIdempotently({
        channel,
        queue,
        pool,
        consumer: 'orders',
        databaseUrl: db.url,
        prefetch: 500,
        handle: async (tx, message) => {
          const { key, seq } = JSON.parse(message.content.toString()) as { key: string; seq: number };
          await tx.query('INSERT INTO applied (key, seq, message_id) VALUES ($1, $2, $3)', [key, seq, message.properties.messageId]);
        },
        onDuplicate: () => {
          duplicates += 1;
        },
      });
    },
    duplicates: () => duplicates,
    async applied() {
      return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM applied')).rows[0]?.n ?? 0;
    },
    async outOfOrderKeys() {
      const { rows } = await pool.query<{ key: string }>(
        `SELECT DISTINCT key FROM (SELECT key, seq, lag(seq) OVER (PARTITION BY key ORDER BY n) AS before FROM applied) s WHERE before IS NOT NULL AND seq <= before ORDER BY key`,
      );
      return rows.map((r) => r.key);
    },
    async missing() {
      return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM written w WHERE NOT EXISTS (SELECT 1 FROM applied a WHERE a.key = w.key AND a.seq = w.seq)')).rows[0]?.n ?? 0;
    },
    async outboxRows() {
      return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dbarch.outbox_events')).rows[0]?.n ?? 0;
    },
    async close() {
      await consumerConnection?.close().catch(() => undefined);
      await pool.end();
      // A fresh connection: the fixture's own may have died with a broker restart.
      const cleanup = await amqp.connect(serviceUrls().rabbitmq);
      const channel = await cleanup.createChannel();
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
      await cleanup.close();
      await mq.connection.close().catch(() => undefined);
      await db.drop();
    },
  };
}
