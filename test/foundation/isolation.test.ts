import { expect } from 'chai';
import pg from 'pg';
import { freshDatabase } from '../support/postgres.ts';
import { freshRabbitmq } from '../support/rabbitmq.ts';
import { freshRedis } from '../support/redis.ts';

/** The harness's isolation promises: each test's database, keys and broker names are its own and go away. */
describe('test isolation', () => {
  it('gives each test file its own PostgreSQL database and drops it', async () => {
    const [a, b] = await Promise.all([freshDatabase('iso'), freshDatabase('iso')]);
    expect(a.name).to.not.equal(b.name);
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    expect((await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db).to.equal(a.name);
    await client.end();
    await Promise.all([a.drop(), b.drop()]);
    const admin = new pg.Client({ connectionString: b.url.replace(b.name, 'postgres') });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = ANY($1)', [[a.name, b.name]]);
    await admin.end();
    expect(rowCount).to.equal(0);
  });

  it('gives each test its own Redis key prefix and cleans only its keys', async () => {
    const [a, b] = await Promise.all([freshRedis('iso'), freshRedis('iso')]);
    await a.redis.set(`${a.prefix}k`, '1');
    await b.redis.set(`${b.prefix}k`, '2');
    await a.cleanup();
    expect(await b.redis.get(`${b.prefix}k`)).to.equal('2');
    expect(await b.redis.exists(`${a.prefix}k`)).to.equal(0);
    await b.cleanup();
  });

  it('gives each test its own RabbitMQ names and deletes them', async () => {
    const rabbit = await freshRabbitmq('iso');
    const queue = rabbit.name('q');
    await rabbit.channel.assertQueue(queue, { durable: false });
    rabbit.channel.sendToQueue(queue, Buffer.from('hello'));
    const message = await rabbit.channel.get(queue, { noAck: true });
    expect(message && message.content.toString()).to.equal('hello');
    await rabbit.cleanup();

    const probe = await freshRabbitmq('iso-check');
    const gone = await probe.channel.checkQueue(queue).then(
      () => false,
      () => true,
    );
    await probe.connection.close().catch(() => undefined);
    expect(gone, 'the queue was deleted').to.equal(true);
  });
});
