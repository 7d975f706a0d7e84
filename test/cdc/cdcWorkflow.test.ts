import { expect } from 'chai';
import amqp from 'amqplib';
import { WorkflowFailedError } from '@temporalio/client';
import { readCdcSlot } from '../../activities/cdc/readCdcSlot.ts';
import { dropCdcSlot } from '../../activities/cdc/dropCdcSlot.ts';
import { cdcWorkflowId, startCdc } from '../../app/startCdc.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createCache, type DbarchCache } from '../../gateway/cache/createCache.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { cdcWorkflow, CdcStatus, CdcWorkflowInput } from '../../workflows/cdcWorkflow.ts';
import type { ConsumeMessage } from 'amqplib';
import type { ChangeEvent } from '../../activities/cdc/ChangeEvent.ts';
import { recordHistory } from '../runtime/runtimeFixture.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';
import { freshRedis, type TestRedis } from '../support/redis.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

describe('cdc:<database> workflow: CDC events drive cache invalidation; drop-slot behind an approval', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let url: string;
  let rabbit: TestRabbitmq;
  let redis: TestRedis;
  let cache: DbarchCache;
  let consumer: amqp.ChannelModel;

  before(async () => {
    cluster = await startPgCluster({ label: 'cdcwf', walLevel: 'logical', maxReplicationSlots: 10, maxWalSenders: 10 });
    url = await cluster.createDatabase('shop');
    await query(url, `CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL)`);
    await query(url, `INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 3) g`);
    rabbit = await freshRabbitmq('cdcwf');
    redis = await freshRedis('cdcwf');
  });
  after(async () => {
    await consumer?.close();
    cache?.close();
    await redis?.cleanup();
    await rabbit?.cleanup();
    await cluster?.stop();
  });

  const input = (overrides: Partial<CdcWorkflowInput> = {}): CdcWorkflowInput => ({
    database: 'shop',
    connection: cluster.url,
    slot: 'dbarch_cdc',
    publication: 'dbarch_cdc',
    tables: [{ table: 'users', topic: 'database.users.changes' }],
    publishTo: 'rabbitmq',
    exchange: rabbit.name('cdc'),
    maxSlotWalKeepSize: '2GB',
    ...overrides,
  });

  it('prepares the slot, streams changes that evict the changed rows\' cache keys (users.update / users.delete), reports status and lag, stops on cancel', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cdc');
    const exchange = input().exchange ?? '';
    const queue = rabbit.name('invalidations');
    await rabbit.channel.assertExchange(exchange, 'topic', { durable: true });
    await rabbit.channel.assertQueue(queue);
    await rabbit.channel.bindQueue(queue, exchange, 'database.users.changes');
    cache = createCache({ provider: 'redis', key_prefix: redis.prefix, ttl_policies: [{ pattern: 'user:*', ttl: 3600, invalidate_on: ['users.update', 'users.delete'] }] });
    await cache.ready();
    consumer = await amqp.connect(serviceUrls().rabbitmq);
    const invalidated: string[] = [];
    await cache.consumeInvalidations(await consumer.createChannel(), queue);
    await withWorker({ taskQueue }, async () => {
      const started = await startCdc(temporal.client, input(), taskQueue);
      expect(started).to.include({ workflowId: cdcWorkflowId('shop'), alreadyRunning: false });
      expect((await startCdc(temporal.client, input(), taskQueue)).alreadyRunning, 'a second start attaches').to.equal(true);
      const handle = temporal.client.workflow.getHandle<typeof cdcWorkflow>(started.workflowId);
      const status = await eventually(async () => {
        const s = await handle.query<CdcStatus>('status');
        return s.phase === 'streaming' ? s : undefined;
      }, 'the stream to start');
      expect(status.prepared).to.deep.include({ slot: 'dbarch_cdc', createdSlot: true, maxSlotWalKeepSize: '2GB' });
      await eventually(async () => ((await readCdcSlot(url, 'dbarch_cdc')).active ? true : undefined), 'the slot to have its reader');

      for (const id of [1, 2, 3]) await cache.getOrLoad(`user:${id}`, () => Promise.resolve(`user ${id}`));
      const entry = (id: number) => `${redis.prefix}user@0:${id}`;
      expect(await redis.redis.exists(entry(1), entry(2), entry(3))).to.equal(3);
      await query(url, `UPDATE users SET name = 'renamed' WHERE id = 1`);
      await query(url, `DELETE FROM users WHERE id = 2`);
      await eventually(async () => ((await redis.redis.exists(entry(1), entry(2))) === 0 ? true : undefined), 'user:1 and user:2 to be evicted');
      expect(await redis.redis.exists(entry(3)), 'an unchanged row keeps its entry').to.equal(1);
      invalidated.push('user:1', 'user:2');

      const slot = await eventually(async () => {
        const s = await readCdcSlot(url, 'dbarch_cdc');
        return s.lagBytes !== null && s.lagBytes < 1024 * 1024 ? s : undefined;
      }, 'the slot to be confirmed up to date');
      expect(slot).to.include({ exists: true, active: true, maxSlotWalKeepSize: '2GB', walStatus: 'reserved' });
      expect(slot.safeWalBytes).to.be.greaterThan(0);

      // While the stream runs the slot cannot be dropped, approved or not.
      await expectCode(dropCdcSlot({ databaseUrl: url, slot: 'dbarch_cdc', publication: 'dbarch_cdc', approved: true }), 'DBA_CDC_SLOT_ACTIVE');
      await handle.cancel();
      expect((await handle.result()).phase).to.equal('stopped');
      await recordHistory(handle, 'cdc-streamed-then-cancelled');
    });
    await expectCode(dropCdcSlot({ databaseUrl: url, slot: 'dbarch_cdc', publication: 'dbarch_cdc', approved: false }), 'DBA_CDC_DROP_NOT_APPROVED');
    expect((await readCdcSlot(url, 'dbarch_cdc')).exists, 'not dropped without approval').to.equal(true);
    const dropped = await eventually(async () => dropCdcSlot({ databaseUrl: url, slot: 'dbarch_cdc', publication: 'dbarch_cdc', approved: true }).catch(() => undefined), 'the slot to be released and dropped');
    expect(dropped).to.include({ droppedSlot: true, droppedPublication: true });
    expect((await readCdcSlot(url, 'dbarch_cdc')).exists).to.equal(false);
    expect(invalidated).to.have.length(2);
  });

  it('resumes on another worker after its worker is SIGKILLed mid-stream: every row arrives, duplicates are marked replay', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cdc-kill');
    await query(url, 'CREATE TABLE ledger (id int PRIMARY KEY, note text)');
    const wf = input({ database: 'shop', slot: 'cdc_wkill', publication: 'cdc_wkill', tables: [{ table: 'ledger', topic: 'database.ledger.changes' }], exchange: rabbit.name('cdckill'), windowEvents: 200, heartbeatTimeoutMs: 2000 });
    const queue = rabbit.name('ledger');
    await rabbit.channel.assertExchange(wf.exchange ?? '', 'topic', { durable: true });
    await rabbit.channel.assertQueue(queue, { durable: false });
    await rabbit.channel.bindQueue(queue, wf.exchange ?? '', 'database.ledger.changes');
    const received: { id: string; event: ChangeEvent }[] = [];
    await rabbit.channel.consume(queue, (m: ConsumeMessage | null) => {
      if (m !== null) received.push({ id: String(m.properties.messageId), event: JSON.parse(m.content.toString()) as ChangeEvent });
    }, { noAck: true });
    const children: Child[] = [];
    const worker = () => {
      const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
      children.push(child);
      return child;
    };
    try {
      const first = worker();
      await first.waitForLine(/worker started/);
      const started = await startCdc(temporal.client, wf, taskQueue);
      await eventually(async () => ((await readCdcSlot(url, 'cdc_wkill')).active ? true : undefined), 'the stream to attach');
      const total = 2000;
      await query(url, `INSERT INTO ledger SELECT g, 'first' FROM generate_series(1, 1000) g`);
      for (let id = 1001; id <= 1400; id += 1) await query(url, 'INSERT INTO ledger VALUES ($1, $2)', [id, 'one by one']);
      first.process.kill('SIGKILL');
      expect(await first.exited).to.equal('SIGKILL');
      // Committed while no stream runs.
      await query(url, `INSERT INTO ledger SELECT g, 'while down' FROM generate_series(1401, ${total}) g`);
      worker();
      await eventually(() => Promise.resolve(new Set(received.map((r) => r.id)).size >= total ? true : undefined), 'every row after the restart', 60_000);
      const ids = new Set(received.map((r) => (r.event.after as { id: number }).id));
      expect(ids.size).to.equal(total);
      const seen = new Set<string>();
      const unmarked: string[] = [];
      for (const r of received) {
        if (seen.has(r.id) && !r.event.replay) unmarked.push(r.id);
        seen.add(r.id);
      }
      expect(unmarked, 'duplicates not marked replay').to.deep.equal([]);
      const handle = temporal.client.workflow.getHandle<typeof cdcWorkflow>(started.workflowId);
      await handle.cancel();
      expect((await handle.result()).phase).to.equal('stopped');
    } finally {
      await temporal.client.workflow.getHandle('cdc:shop').terminate('test over').catch(() => undefined);
      for (const child of children) child.process.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
    }
  });

  it('continues as new after runForMs with its counters, without preparing again; cancelling the new run stops it', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cdc-can');
    await query(url, 'CREATE TABLE notes (id int PRIMARY KEY, body text)');
    const wf = input({ slot: 'cdc_can', publication: 'cdc_can', tables: [{ table: 'notes', topic: 'database.notes.changes' }], runForMs: 1500 });
    await rabbit.channel.assertExchange(wf.exchange ?? '', 'topic', { durable: true });
    await withWorker({ taskQueue }, async () => {
      const started = await startCdc(temporal.client, wf, taskQueue);
      const handle = temporal.client.workflow.getHandle<typeof cdcWorkflow>(started.workflowId);
      await eventually(async () => ((await readCdcSlot(url, 'cdc_can')).active ? true : undefined), 'the first run to stream');
      await query(url, `INSERT INTO notes SELECT g, 'n' FROM generate_series(1, 50) g`);
      const next = await eventually(async () => {
        const description = await handle.describe();
        return description.runId !== started.runId && description.status.name === 'RUNNING' ? description.runId : undefined;
      }, 'a continued-as-new run');
      const status = await eventually(async () => {
        const s = await handle.query<CdcStatus>('status');
        return s.progress !== null && s.progress.published >= 50 ? s : undefined;
      }, 'the counters carried into a later run');
      expect(status).to.include({ phase: 'streaming', prepared: null });
      await handle.cancel();
      expect((await handle.result()).phase).to.equal('stopped');
      await recordHistory(temporal.client.workflow.getHandle(started.workflowId, started.runId), 'cdc-stream-continued-as-new');
      await recordHistory(temporal.client.workflow.getHandle(started.workflowId, next), 'cdc-continued-run-cancelled');
    });
    const dropped = await eventually(async () => dropCdcSlot({ databaseUrl: url, slot: 'cdc_can', publication: 'cdc_can', approved: true }).catch(() => undefined), 'the slot to be released');
    expect(dropped.droppedSlot).to.equal(true);
  });

  it('fails with the coded error of a table that does not exist, without retrying and without making a slot', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cdc-bad');
    await withWorker({ taskQueue }, async () => {
      const bad = input({ database: 'shop', slot: 'cdc_bad', publication: 'cdc_bad', tables: [{ table: 'userz', topic: 'database.userz.changes' }] });
      const started = await startCdc(temporal.client, bad, taskQueue);
      const handle = temporal.client.workflow.getHandle(started.workflowId);
      const failure = await handle.result().then(() => undefined, (error: unknown) => error);
      expect(failure).to.be.instanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as { type?: string; cause?: { type?: string } } | undefined;
      expect(cause?.type ?? cause?.cause?.type).to.equal('DBA_CDC_TABLE_MISSING');
    });
    expect((await readCdcSlot(url, 'cdc_bad')).exists).to.equal(false);
    expect(await query(url, `SELECT 1 FROM pg_publication WHERE pubname = 'cdc_bad'`)).to.deep.equal([]);
  });
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, `expected ${code}`).to.be.instanceOf(DbarchError);
  expect((error as DbarchError).code).to.equal(code);
}
