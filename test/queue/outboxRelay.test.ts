import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { relayDefaults, type RelayOptions } from '../../activities/outbox/RelayOptions.ts';
import { noProgress, type RelayProgress } from '../../activities/outbox/RelayProgress.ts';
import { relayOutbox, type RelayResult } from '../../activities/outbox/relayOutbox.ts';
import { outbox } from '../../gateway/outbox/outbox.ts';
import { createLogger } from '../../runtime/logger.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase } from '../support/postgres.ts';
import { testLog } from '../support/temporal.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { outboxFixture, type OutboxFixture } from './outboxFixture.ts';

/** Runs the relay in this process until `until` holds, then stops it and returns its result. */
async function relayUntil(options: RelayOptions, until: () => Promise<boolean>, resume: RelayProgress = noProgress): Promise<{ result: RelayResult; beats: RelayProgress[] }> {
  const stop = new AbortController();
  const beats: RelayProgress[] = [];
  const running = relayOutbox(options, { signal: stop.signal, heartbeat: (p) => beats.push(p), log: testLog }, resume);
  let failed: unknown;
  running.catch((error: unknown) => {
    failed = error;
  });
  await eventually(async () => (failed !== undefined || (await until()) ? true : undefined), 'the relay to get there', 60_000);
  stop.abort();
  return { result: await running, beats };
}

describe('the outbox relay (engine, in process)', function () {
  this.timeout(90_000);
  let fx: OutboxFixture;
  let options: RelayOptions;
  before(async () => {
    fx = await outboxFixture('relay');
    options = { ...relayDefaults, batchSize: 100, databaseUrl: fx.db.url, amqpUrl: serviceUrls().rabbitmq, exchange: fx.exchange, maxAttempts: 2 };
  });
  after(() => fx.close());

  it('publishes every committed event once confirmed, deletes only those, keeps per-key order, and no rolled-back event', async () => {
    await fx.writeEvents(3000, { keys: 30, perTransaction: 40 });
    const rolledBack = await fx.pool.connect();
    await rolledBack.query('BEGIN');
    await outbox.append(rolledBack, 'order.placed', { key: 'k0', seq: 999_999 }, { key: 'k0' });
    await rolledBack.query('ROLLBACK');
    rolledBack.release();

    await fx.startConsumer();
    const { result, beats } = await relayUntil(options, async () => (await fx.applied()) >= 3000 && (await fx.outboxRows()) === 0);
    expect(result.stopped).to.equal('cancelled');
    expect(result.progress.published).to.equal(3000);
    expect(beats.at(-1)?.published, 'heartbeats carry the progress').to.equal(3000);
    expect(await fx.missing()).to.equal(0);
    expect(await fx.applied()).to.equal(3000);
    expect(await fx.outOfOrderKeys()).to.deep.equal([]);
    const { rows } = await fx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM applied WHERE seq = 999999');
    expect(rows[0]?.n, 'the rolled-back event was never published').to.equal(0);
  });

  it('dead-letters an event the broker cannot route after max attempts, with the reason, and goes on with the others', async () => {
    const client = await fx.pool.connect();
    await client.query('BEGIN');
    await outbox.append(client, 'nobody.listens', { lost: true }, { key: 'x' });
    await client.query('COMMIT');
    client.release();
    await fx.writeEvents(10, { keys: 2, perTransaction: 5 });
    const { result } = await relayUntil(options, async () => (await fx.outboxRows()) === 0);
    expect(result.progress.deadLettered).to.equal(1);
    expect(result.progress.refused).to.equal(2);
    const { rows } = await fx.pool.query<{ event_type: string; attempts: number; reason: string }>('SELECT event_type, attempts, reason FROM dbarch.outbox_dead_letters');
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ event_type: 'nobody.listens', attempts: 2 });
    expect(rows[0]?.reason).to.match(/^unroutable/);
    await eventually(async () => ((await fx.applied()) === 3010 ? true : undefined), 'the other events to be applied');
  });

  it('stops reading while RabbitMQ blocks the connection (flow control): at most the window is held, then it drains', async () => {
    const before = await fx.applied();
    await fx.writeEvents(3000, { keys: 10, perTransaction: 100 });
    const messages: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => messages.push((JSON.parse(line) as { msg: string }).msg) } });
    const small = { ...options, batchSize: 100, windowBatches: 2 };
    const stop = new AbortController();
    const run = promisify(execFile);
    // The broker is shared: the alarm lasts only until the relay reports the block, and is always lifted.
    await run('rabbitmqctl', ['set_vm_memory_high_watermark', '0']);
    let running: Promise<unknown> | undefined;
    try {
      running = relayOutbox(small, { signal: stop.signal, heartbeat: () => undefined, log }, noProgress);
      await eventually(() => Promise.resolve(messages.some((m) => m.startsWith('RabbitMQ blocked the relay')) ? true : undefined), 'the relay to be blocked');
      const { rows } = await fx.pool.query<{ left: number; free: number }>(
        'SELECT (SELECT count(*)::int FROM dbarch.outbox_events) AS left, (SELECT count(*)::int FROM (SELECT 1 FROM dbarch.outbox_events FOR UPDATE SKIP LOCKED) f) AS free',
      );
      expect(rows[0]?.left, 'nothing deleted without confirms').to.equal(3000);
      expect(3000 - (rows[0]?.free ?? 0), 'rows held by the relay: at most its window').to.be.within(1, small.batchSize * small.windowBatches);
    } finally {
      await run('rabbitmqctl', ['set_vm_memory_high_watermark', '0.4']);
    }
    await eventually(async () => ((await fx.outboxRows()) === 0 ? true : undefined), 'the outbox to drain once unblocked');
    stop.abort();
    await running;
    expect(messages).to.include('RabbitMQ unblocked the relay');
    await eventually(async () => ((await fx.applied()) === before + 3000 ? true : undefined), 'every event to be applied');
  });

  it('refuses at append an event type that is not a routing key and a payload that is not JSON; the application rolls back', async () => {
    const client = await fx.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO written (key, seq) VALUES ('refused', 1)`);
      await expectCode(outbox.append(client, 'Order Placed', {}), 'DBA_OUTBOX_EVENT_INVALID');
      await expectCode(outbox.append(client, 'order.placed', { n: 1n }), 'DBA_OUTBOX_EVENT_INVALID');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect((await fx.pool.query(`SELECT 1 FROM written WHERE key = 'refused'`)).rowCount).to.equal(0);
  });

  it('says the outbox table is missing rather than failing with a bare SQL error', async () => {
    const bare = await freshDatabase('outbox_bare');
    const client = new pg.Client({ connectionString: bare.url });
    await client.connect();
    try {
      await expectCode(outbox.append(client, 'order.placed', {}), 'DBA_OUTBOX_TABLE_MISSING');
    } finally {
      await client.end();
      await bare.drop();
    }
  });
});
