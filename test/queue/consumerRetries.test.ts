import { expect } from 'chai';
import type { ConfirmChannel, GetMessage } from 'amqplib';
import pg from 'pg';
import { consumeIdempotently, consumerRetryOptions, deadLetterReasonHeader, retriesHeader } from '../../gateway/outbox/consumeIdempotently.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';

describe('dbarch/consumer: max_retries on a classic queue (no x-delivery-limit) dead-letters after N failed deliveries, with the reason', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let mq: TestRabbitmq;
  let channel: ConfirmChannel;

  before(async () => {
    db = await freshDatabase('consumer_retries');
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await pool.query('CREATE TABLE applied (message_id text PRIMARY KEY, body text)');
    mq = await freshRabbitmq('retries');
    channel = await mq.connection.createConfirmChannel();
    channel.on('error', () => undefined);
  });
  after(async () => {
    await channel?.close().catch(() => undefined);
    await mq?.cleanup();
    await pool?.end();
    await db?.drop();
  });

  /** A classic queue `events` (dead-letter exchange `dead`, its queue `parked`), bound under `order.*`. */
  async function topology(label: string) {
    const [events, dead, work, parked] = ['events', 'dead', 'work', 'parked'].map((n) => mq.name(`${label}.${n}`)) as [string, string, string, string];
    await mq.channel.assertExchange(events, 'topic', { durable: false });
    await mq.channel.assertExchange(dead, 'fanout', { durable: false });
    await mq.channel.assertQueue(work, { durable: false, arguments: { 'x-queue-type': 'classic', 'x-dead-letter-exchange': dead } });
    await mq.channel.assertQueue(parked, { durable: false });
    await mq.channel.bindQueue(work, events, 'order.*');
    await mq.channel.bindQueue(parked, dead, '');
    return { events, dead, work, parked };
  }

  async function parkedMessage(queue: string): Promise<GetMessage> {
    return eventually(async () => (await mq.channel.get(queue, { noAck: true })) || undefined, `a message in ${queue}`);
  }

  it('takes max_retries and dead_letter_exchange of a queue from queue_config (default 5)', () => {
    const config = { provider: 'rabbitmq', exchanges: [{ name: 'events', type: 'topic', queues: [{ name: 'orders', max_retries: 3, dead_letter_exchange: 'dead' }, { name: 'audit' }] }, { name: 'dead', type: 'fanout' }] } as const;
    expect(consumerRetryOptions(config, 'orders')).to.deep.equal({ maxRetries: 3, deadLetterExchange: 'dead' });
    expect(consumerRetryOptions(config, 'audit')).to.deep.equal({ maxRetries: 5 });
    expect(() => consumerRetryOptions(config, 'nope')).to.throw(DbarchError).with.property('code', 'DBA_QUEUE_TOPOLOGY_INVALID');
  });

  it('a message failing every time is delivered max_retries times, then published to the dead-letter exchange with the reason; the others take effect once', async () => {
    const t = await topology('dlx');
    const deliveries = new Map<string, number>();
    const deadLettered: [string, string, number][] = [];
    await consumeIdempotently({
      channel, queue: t.work, pool, consumer: 'retries', databaseUrl: db.url, maxRetries: 3, deadLetterExchange: t.dead,
      handle: async (tx, message) => {
        const id = String(message.properties.messageId);
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        const body = message.content.toString();
        // `flaky` fails twice, then succeeds: within max_retries, it takes effect once.
        if (body === 'poison' || (body === 'flaky' && (deliveries.get(id) ?? 0) < 3)) throw new Error(`cannot handle ${body}`);
        await tx.query('INSERT INTO applied VALUES ($1, $2)', [id, body]);
      },
      onDeadLetter: (message, reason, failures) => deadLettered.push([String(message.properties.messageId), reason, failures]),
    });
    for (const [id, body] of [['m1', 'good'], ['m2', 'poison'], ['m3', 'flaky'], ['m4', 'good']] as const) {
      channel.publish(t.events, 'order.placed', Buffer.from(body), { messageId: id, contentType: 'text/plain', headers: { 'x-app': 'shop' } });
    }
    await channel.waitForConfirms();

    const parked = await parkedMessage(t.parked);
    expect(parked.properties.messageId).to.equal('m2');
    expect(parked.content.toString()).to.equal('poison');
    expect(parked.fields.routingKey, 'the routing key it first arrived with').to.equal('order.placed');
    expect(parked.properties.headers).to.include({ [retriesHeader]: 3, [deadLetterReasonHeader]: 'cannot handle poison', 'x-dbarch-queue': t.work, 'x-app': 'shop' });
    expect(parked.properties.contentType).to.equal('text/plain');
    expect(deadLettered).to.deep.equal([['m2', 'cannot handle poison', 3]]);
    await eventually(async () => ((await pool.query('SELECT 1 FROM applied')).rowCount === 3 ? true : undefined), 'the three others applied');
    expect(Object.fromEntries(deliveries)).to.deep.equal({ m1: 1, m2: 3, m3: 3, m4: 1 });
    expect((await pool.query<{ message_id: string }>('SELECT message_id FROM applied ORDER BY message_id')).rows.map((r) => r.message_id)).to.deep.equal(['m1', 'm3', 'm4']);
    await eventually(async () => ((await mq.channel.checkQueue(t.work)).messageCount === 0 ? true : undefined), 'the work queue drained');
    expect((await mq.channel.checkQueue(t.parked)).messageCount, 'dead-lettered once').to.equal(0);
  });

  it('without deadLetterExchange the last failure is rejected to the queue\'s own dead-letter exchange (x-death), the reason in onDeadLetter', async () => {
    const t = await topology('reject');
    let deliveries = 0;
    const reasons: string[] = [];
    await consumeIdempotently({
      channel, queue: t.work, pool, consumer: 'retries-reject', maxRetries: 2,
      handle: () => {
        deliveries += 1;
        return Promise.reject(new Error('downstream refused'));
      },
      onDeadLetter: (_message, reason, failures) => reasons.push(`${failures}: ${reason}`),
    });
    channel.publish(t.events, 'order.cancelled', Buffer.from('x'), { messageId: 'r1' });
    await channel.waitForConfirms();
    const parked = await parkedMessage(t.parked);
    expect(parked.properties.messageId).to.equal('r1');
    const death = (parked.properties.headers?.['x-death'] as { reason: string; queue: string }[] | undefined)?.[0];
    expect(death).to.include({ reason: 'rejected', queue: t.work });
    expect(parked.properties.headers?.[retriesHeader], 'the copy that was rejected carried one failure').to.equal(1);
    expect(deliveries).to.equal(2);
    expect(reasons).to.deep.equal(['2: downstream refused']);
  });
});
