import { expect } from 'chai';
import { startExporter, type Exporter } from '../../activities/monitoring/startExporter.ts';
import { outboxBacklogSource } from '../../activities/monitoring/sources/outboxBacklogSource.ts';
import { queueDepthSource } from '../../activities/monitoring/sources/queueDepthSource.ts';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually } from '../support/childProcess.ts';
import { freePort } from '../support/freePort.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';
import { parseMetrics, sampleValue } from './parseMetrics.ts';

describe('monitoring: platform sources (queue depth, outbox backlog) in the exporter', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let rabbit: TestRabbitmq;
  let exporter: Exporter;
  let orders: string;
  let missing: string;

  before(async () => {
    db = await freshDatabase('platform_sources');
    rabbit = await freshRabbitmq('platform-sources');
    orders = rabbit.name('orders');
    missing = rabbit.name('never-declared');
    await rabbit.channel.assertQueue(orders, { durable: false });
    for (let i = 0; i < 3; i++) rabbit.channel.sendToQueue(orders, Buffer.from(`m${i}`));
    await ensureDbarchSchema('outbox', db.url);
    await query(db.url, "INSERT INTO dbarch.outbox_events (event_type, payload, created_at) VALUES ('order.placed', '{}', now() - interval '30 seconds'), ('order.placed', '{}', now())");
    exporter = await startExporter({
      host: '127.0.0.1', port: 0, targets: [], collectors: [], scrapeTimeoutMs: 3000,
      sources: [queueDepthSource(serviceUrls().rabbitmq, [orders, missing]), outboxBacklogSource(db.url, 'shop', 3000)],
    });
  });
  after(async () => {
    await exporter?.close();
    await rabbit?.cleanup();
    await db?.drop();
  });

  it('exports each declared queue\'s depth and consumers, the outbox backlog and its oldest event; an undeclared queue is absent', async () => {
    // Messages published with sendToQueue are counted once the broker routed them.
    const samples = await eventually(async () => {
      const read = parseMetrics(await exporter.scrape());
      return sampleValue(read, 'dbarch_queue_messages', { queue: orders }) === 3 ? read : undefined;
    }, 'the three messages in the queue depth');
    expect(sampleValue(samples, 'dbarch_queue_consumers', { queue: orders })).to.equal(0);
    expect(sampleValue(samples, 'dbarch_queue_messages', { queue: missing })).to.equal(undefined);
    expect(sampleValue(samples, 'dbarch_outbox_backlog_events', { database: 'shop' })).to.equal(2);
    expect(sampleValue(samples, 'dbarch_outbox_oldest_event_age_seconds', { database: 'shop' })).to.be.within(29, 120);
    expect(sampleValue(samples, 'dbarch_outbox_dead_letters', { database: 'shop' })).to.equal(0);
    expect(sampleValue(samples, 'dbarch_exporter_source_success', { source: 'queue_stats' })).to.equal(1);
    expect(sampleValue(samples, 'dbarch_exporter_source_success', { source: 'outbox' })).to.equal(1);
    // The relay confirmed everything: the backlog reads 0 and the oldest age 0, not absent.
    await query(db.url, 'DELETE FROM dbarch.outbox_events');
    const drained = parseMetrics(await exporter.scrape());
    expect(sampleValue(drained, 'dbarch_outbox_backlog_events', { database: 'shop' })).to.equal(0);
    expect(sampleValue(drained, 'dbarch_outbox_oldest_event_age_seconds', { database: 'shop' })).to.equal(0);
  });

  it('a broker that does not answer leaves its families absent and marks the source failed; the scrape still answers', async () => {
    const port = await freePort();
    const lonely = await startExporter({
      host: '127.0.0.1', port: 0, targets: [], collectors: [], scrapeTimeoutMs: 2000,
      sources: [queueDepthSource(`amqp://guest:guest@127.0.0.1:${port}`, [orders]), outboxBacklogSource(db.url, 'shop', 2000)],
    });
    try {
      const samples = parseMetrics(await lonely.scrape());
      expect(sampleValue(samples, 'dbarch_exporter_source_success', { source: 'queue_stats' })).to.equal(0);
      expect(samples.filter((s) => s.name.startsWith('dbarch_queue_'))).to.deep.equal([]);
      expect(sampleValue(samples, 'dbarch_exporter_source_success', { source: 'outbox' })).to.equal(1);
    } finally {
      await lonely.close();
    }
  });
});
