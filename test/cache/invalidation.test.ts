import { expect } from 'chai';
import amqp from 'amqplib';
import pg from 'pg';
import { relayDefaults } from '../../activities/outbox/RelayOptions.ts';
import { noProgress } from '../../activities/outbox/RelayProgress.ts';
import { relayOutbox } from '../../activities/outbox/relayOutbox.ts';
import { createCache, type DbarchCache } from '../../gateway/cache/createCache.ts';
import { outbox } from '../../gateway/outbox/outbox.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';
import { testLog } from '../support/temporal.ts';

describe('invalidate_on: outbox events evict cache entries (outbox → relay → RabbitMQ → invalidator → Redis)', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let pool: pg.Pool;
  let redis: TestRedis;
  let mq: TestRabbitmq;
  let cache: DbarchCache;
  let consumer: amqp.ChannelModel;
  const stop = new AbortController();
  let relay: Promise<unknown>;

  before(async () => {
    db = await freshDatabase('invalidation');
    pool = new pg.Pool({ connectionString: db.url, max: 3 });
    await outbox.migrate(db.url);
    await pool.query(`CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users SELECT i, 'user ' || i FROM generate_series(1, 3) AS i`);
    redis = await freshRedis('invalidation');
    mq = await freshRabbitmq('invalidation');
    const exchange = mq.name('events');
    const queue = mq.name('invalidations');
    await mq.channel.assertExchange(exchange, 'topic');
    await mq.channel.assertQueue(queue);
    await mq.channel.bindQueue(queue, exchange, 'users.*');
    cache = createCache({ provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'user:*', ttl: 3600, invalidate_on: ['users.update', 'users.delete'] }, { pattern: 'stats:*:*', ttl: 60, invalidate_on: ['users.update'] }] });
    await cache.ready();
    consumer = await amqp.connect(serviceUrls().rabbitmq);
    const channel = await consumer.createChannel();
    await cache.consumeInvalidations(channel, queue);
    relay = relayOutbox({ ...relayDefaults, pollIntervalMs: 20, databaseUrl: db.url, amqpUrl: serviceUrls().rabbitmq, exchange }, { signal: stop.signal, heartbeat: () => undefined, log: testLog }, noProgress);
  });
  after(async () => {
    stop.abort();
    await relay;
    await consumer.close();
    cache.close();
    await redis.cleanup();
    await mq.cleanup();
    await pool.end();
    await db.drop();
  });

  it('evicts the key of the changed row (the event key filled into the pattern), and the namespace of a pattern it cannot fill', async () => {
    const load = async (id: number) => (await pool.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [id])).rows[0]?.name;
    for (const id of [1, 2, 3]) await cache.getOrLoad(`user:${id}`, () => load(id));
    await cache.getOrLoad('stats:daily:7', () => Promise.resolve(42));

    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(`UPDATE users SET name = 'renamed' WHERE id = 2`);
    await outbox.append(client, 'users.update', { id: 2 }, { key: '2' });
    await client.query('COMMIT');
    client.release();

    const entry = (key: string, version = '0') => `${redis.prefix}${key.slice(0, key.indexOf(':'))}@${version}:${key.slice(key.indexOf(':') + 1)}`;
    await eventually(async () => ((await redis.redis.exists(entry('user:2'))) === 0 ? true : undefined), 'user:2 to be evicted');
    expect(await redis.redis.exists(entry('user:1'), entry('user:3')), 'the other users stay cached').to.equal(2);
    expect(await cache.getOrLoad('user:2', () => load(2))).to.equal('renamed');
    await eventually(async () => ((await redis.redis.get(`${redis.prefix}__version:stats`)) === '1' ? true : undefined), 'stats to be bumped (two wildcards: no key to fill in)');
  });
});
