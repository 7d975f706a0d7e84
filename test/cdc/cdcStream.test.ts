import { expect } from 'chai';
import type { ConsumeMessage } from 'amqplib';
import kafkajs from 'kafkajs';
import pg from 'pg';
import type { CdcOptions } from '../../activities/cdc/CdcOptions.ts';
import { cdcProgressFrom, noCdcProgress, type CdcProgress } from '../../activities/cdc/CdcProgress.ts';
import type { ChangeEvent } from '../../activities/cdc/ChangeEvent.ts';
import { lsn } from '../../activities/cdc/lsn.ts';
import { prepareCdc } from '../../activities/cdc/prepareCdc.ts';
import { streamCdc } from '../../activities/cdc/streamCdc.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createLogger } from '../../runtime/logger.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { startKfake, type Kfake } from '../support/kfake.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { query } from '../support/postgres.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';

const log = createLogger({ level: 'error' });

interface Received {
  readonly event: ChangeEvent;
  readonly messageId: string;
  readonly headers: Record<string, unknown>;
}

describe('cdc: WAL changes through a dbarch-owned slot to RabbitMQ and Kafka', function () {
  this.timeout(120_000);
  let cluster: PgCluster;
  let url: string;
  let rabbit: TestRabbitmq;

  before(async () => {
    cluster = await startPgCluster({ label: 'cdc', walLevel: 'logical', maxReplicationSlots: 10, maxWalSenders: 10 });
    url = await cluster.createDatabase('shop');
    await query(url, `CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
      CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL); ALTER TABLE orders REPLICA IDENTITY FULL;
      CREATE TABLE ledger (id int PRIMARY KEY, note text);
      CREATE TABLE nokey (a int)`);
    rabbit = await freshRabbitmq('cdc');
  });
  after(async () => {
    await rabbit?.cleanup();
    await cluster?.stop();
  });

  /** A queue bound to `exchange` for `routingKeys`, collecting what arrives. */
  async function collect(exchange: string, routingKeys: readonly string[]): Promise<Received[]> {
    const queue = rabbit.name(`q${Math.random().toString(36).slice(2, 8)}`);
    await rabbit.channel.assertExchange(exchange, 'topic', { durable: true });
    await rabbit.channel.assertQueue(queue, { durable: false });
    for (const key of routingKeys) await rabbit.channel.bindQueue(queue, exchange, key);
    const received: Received[] = [];
    await rabbit.channel.consume(queue, (message: ConsumeMessage | null) => {
      if (message === null) return;
      received.push({ event: JSON.parse(message.content.toString()) as ChangeEvent, messageId: String(message.properties.messageId), headers: message.properties.headers ?? {} });
    }, { noAck: true });
    return received;
  }

  function options(overrides: Partial<CdcOptions>): CdcOptions {
    return { databaseUrl: url, slot: 'cdc_a', publication: 'cdc_a', tables: [{ table: 'users', topic: 'database.users.changes' }], publishTo: 'rabbitmq', amqpUrl: serviceUrls().rabbitmq, exchange: rabbit.name('cdc'), windowEvents: 500, ...overrides };
  }

  async function slotState(slot: string) {
    return (await query<{ slot_name: string; confirmed: string | null; active: boolean }>(url, 'SELECT slot_name, confirmed_flush_lsn::text AS confirmed, active FROM pg_replication_slots WHERE slot_name = $1', [slot]))[0];
  }
  async function publicationExists(name: string): Promise<boolean> {
    return (await query(url, 'SELECT 1 FROM pg_publication WHERE pubname = $1', [name])).length > 0;
  }
  async function expectCode(promise: Promise<unknown>, code: string): Promise<DbarchError> {
    try {
      await promise;
    } catch (error) {
      expect(error, String(error)).to.be.instanceOf(DbarchError);
      expect((error as DbarchError).code).to.equal(code);
      return error as DbarchError;
    }
    throw new Error(`expected ${code}`);
  }

  it('publishes inserts, updates and deletes with op, key, before/after as REPLICA IDENTITY allows, LSN and commit time, then confirms the slot', async () => {
    const opts = options({ slot: 'cdc_basic', publication: 'cdc_basic', tables: [{ table: 'users', topic: 'database.users.changes' }, { table: 'orders', topic: 'database.orders.changes' }] });
    const report = await prepareCdc({ ...opts, maxSlotWalKeepSize: '1GB' }, log);
    expect(report).to.include({ createdSlot: true, createdPublication: true, maxSlotWalKeepSize: '1GB' });
    expect(report.tables.map((t) => [t.qualified, t.replicaIdentity])).to.deep.equal([['users', 'default'], ['orders', 'full']]);
    expect(report.warnings).to.deep.equal([]);
    const again = await prepareCdc(opts, log);
    expect(again).to.include({ createdSlot: false, createdPublication: false });
    const received = await collect(opts.exchange ?? '', ['database.users.changes', 'database.orders.changes']);
    const controller = new AbortController();
    const streaming = streamCdc(opts, { signal: controller.signal, heartbeat: () => undefined, log }, noCdcProgress);
    await query(url, `INSERT INTO users VALUES (1, 'ada')`);
    await query(url, `INSERT INTO orders VALUES (7, 10.5)`);
    await query(url, `BEGIN; UPDATE users SET name = 'ada l' WHERE id = 1; UPDATE orders SET total = 12 WHERE id = 7; INSERT INTO ledger VALUES (-1, 'not captured'); COMMIT`);
    await query(url, `DELETE FROM users WHERE id = 1`);
    await query(url, `DELETE FROM orders WHERE id = 7`);
    await eventually(() => Promise.resolve(received.length >= 6 ? true : undefined), 'six change events');
    controller.abort();
    const result = await streaming;
    const events = received.map((r) => r.event);
    expect(events.map((e) => `${e.table} ${e.op}`)).to.deep.equal(['public.users insert', 'public.orders insert', 'public.users update', 'public.orders update', 'public.users delete', 'public.orders delete']);
    const [insert, , update, updateFull, del, delFull] = events;
    expect(insert).to.deep.include({ key: { id: 1 }, before: null, after: { id: 1, name: 'ada' }, replay: false, index: 0, count: 1 });
    // Default identity: an update carries no before image; FULL carries the whole old row.
    expect(update).to.deep.include({ key: { id: 1 }, before: null, after: { id: 1, name: 'ada l' }, index: 0, count: 2 });
    // FULL: every column is the identity, so the key is the whole new row and the before image the whole old one.
    expect(updateFull).to.deep.include({ key: { id: '7', total: '12' }, before: { id: '7', total: '10.5' }, after: { id: '7', total: '12' }, index: 1, count: 2 });
    // Default identity: a delete carries the key columns only.
    expect(del).to.deep.include({ key: { id: 1 }, before: { id: 1 }, after: null });
    expect(delFull).to.deep.include({ before: { id: '7', total: '12' }, after: null });
    expect(update?.commitLsn).to.equal(updateFull?.commitLsn);
    for (const e of events) {
      expect(e.lsn).to.match(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(Date.parse(e.commitTime)).to.be.closeTo(Date.now(), 60_000);
    }
    // Commit LSNs increase from one transaction to the next.
    const commits = [...new Set(events.map((e) => e.commitLsn))].map((c) => lsn.parse(c));
    expect(commits).to.have.length(5);
    expect([...commits].sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(commits);
    expect(received[0]?.headers).to.include({ 'x-dbarch-event': 'users.insert', 'x-dbarch-key': '1', 'x-dbarch-replay': 'false' });
    expect(received[0]?.messageId).to.equal(`cdc_basic:${insert?.commitLsn}:0`);
    expect(result.progress).to.include({ published: 6, clean: true, transactions: 5 });
    const slot = await slotState('cdc_basic');
    expect(lsn.parse(slot?.confirmed ?? '0/0') >= lsn.parse(result.progress.acknowledgedLsn ?? '0/0')).to.equal(true);
    // Stopped cleanly: nothing new comes again on the next run.
    const rerun = new AbortController();
    const second = streamCdc(opts, { signal: rerun.signal, heartbeat: () => undefined, log }, result.progress);
    await query(url, `INSERT INTO users VALUES (2, 'bob')`);
    await eventually(() => Promise.resolve(received.length >= 7 ? true : undefined), 'the next event');
    rerun.abort();
    await second;
    expect(received.slice(6).map((r) => [r.event.op, r.event.key, r.event.replay])).to.deep.equal([['insert', { id: 2 }, false]]);
  });

  it('killed mid-stream (SIGKILL) resumes from the slot: zero lost, no gap in the commit LSN sequence, duplicates marked replay', async () => {
    const opts = options({ slot: 'cdc_kill', publication: 'cdc_kill', tables: [{ table: 'ledger', topic: 'database.ledger.changes' }], windowEvents: 100 });
    await prepareCdc(opts, log);
    const received = await collect(opts.exchange ?? '', ['database.ledger.changes']);
    const total = 3000;
    const start = (resume: CdcProgress | null): Child => spawnTs('test/cdc/runCdcStream.ts', [JSON.stringify(opts), JSON.stringify(resume)]);
    let child = start(null);
    await child.waitForLine(/cdc child started/);
    const writer = new pg.Client({ connectionString: url });
    writer.on('error', () => undefined);
    await writer.connect();
    // One row per transaction, in id order: commit order is id order.
    const writing = (async () => {
      for (let id = 1; id <= total; id += 1) await writer.query('INSERT INTO ledger VALUES ($1, $2)', [id, `row ${id}`]);
    })();
    await eventually(() => Promise.resolve(received.length >= 800 ? true : undefined), '800 events before the kill').catch((error: unknown) => {
      throw new Error(`${String(error)}; child output:\n${child.output()}`);
    });
    child.process.kill('SIGKILL');
    await child.exited;
    const seenAtKill = received.length;
    const lastProgress = child.output().split('\n').filter((l) => l.startsWith('progress ')).at(-1);
    const resume = cdcProgressFrom(lastProgress === undefined ? null : JSON.parse(lastProgress.slice('progress '.length)));
    child = start(resume ?? { ...noCdcProgress, clean: false });
    await writing;
    await writer.end();
    await eventually(() => Promise.resolve(new Set(received.map((r) => r.messageId)).size >= total ? true : undefined), 'every row after the restart', 60_000);
    child.process.kill('SIGTERM');
    await child.exited;

    const byId = new Map<string, Received[]>();
    for (const r of received) byId.set(r.messageId, [...(byId.get(r.messageId) ?? []), r]);
    const firsts = [...byId.values()].map((copies) => copies[0] as Received);
    const ids = firsts.map((r) => (r.event.after as { id: number }).id);
    expect(ids).to.have.length(total);
    expect([...ids].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    // No gap: ordered by commit LSN, the rows come in commit (= id) order, and the commit LSNs strictly increase.
    const ordered = [...firsts].sort((a, b) => (lsn.parse(a.event.commitLsn) < lsn.parse(b.event.commitLsn) ? -1 : 1));
    expect(ordered.map((r) => (r.event.after as { id: number }).id)).to.deep.equal(Array.from({ length: total }, (_, i) => i + 1));
    // Every duplicate is a replay, marked, and the replay is bounded by the window (plus the transaction that crossed it).
    const duplicates = [...byId.values()].filter((copies) => copies.length > 1);
    for (const copies of duplicates) expect(copies.slice(1).every((c) => c.event.replay), copies[0]?.messageId).to.equal(true);
    const replayed = received.slice(seenAtKill).filter((r) => r.event.replay);
    // Marked: up to the last heartbeat's published LSN, then one transaction and two windows (200 events) more.
    expect(replayed.length).to.be.at.most(received.slice(0, seenAtKill).length - (resume?.published ?? 0) + 201);
    expect(received.length - total).to.equal(duplicates.reduce((n, copies) => n + copies.length - 1, 0));
    // The walsender notices the closed socket a moment after the child is gone.
    const slot = await eventually(async () => {
      const state = await slotState('cdc_kill');
      return state?.active === false ? state : undefined;
    }, 'the slot to be released');
    expect(lsn.parse(slot?.confirmed ?? '0/0') >= lsn.parse(ordered.at(-1)?.event.commitLsn ?? 'F/F')).to.equal(true);
    console.log(`      (killed after ${seenAtKill} events; ${duplicates.length} replayed twice, ${replayed.length} marked replay after the restart)`);
  });

  it('refuses bad input with coded errors before anything is created', async () => {
    const missing = await expectCode(prepareCdc(options({ slot: 'cdc_bad', publication: 'cdc_bad', tables: [{ table: 'users', topic: 't' }, { table: 'no_such_table', topic: 't2' }] }), log), 'DBA_CDC_TABLE_MISSING');
    expect(missing.message).to.contain('no_such_table');
    await expectCode(prepareCdc(options({ slot: 'cdc_bad', publication: 'cdc_bad', tables: [{ table: 'nokey', topic: 't' }] }), log), 'DBA_CDC_NO_REPLICA_IDENTITY');
    // A slot someone else made (a subscriber's, Debezium's): never taken over.
    await query(url, `SELECT pg_create_logical_replication_slot('someone_elses', 'pgoutput')`);
    await expectCode(prepareCdc(options({ slot: 'someone_elses', publication: 'cdc_bad' }), log), 'DBA_CDC_SLOT_FOREIGN');
    await query(url, 'CREATE PUBLICATION theirs FOR TABLE users');
    await expectCode(prepareCdc(options({ slot: 'cdc_bad', publication: 'theirs' }), log), 'DBA_CDC_SLOT_FOREIGN');
    await expectCode(prepareCdc(options({ slot: 'cdc_bad', publication: 'cdc_bad', publishTo: 'kafka', kafkaBrokers: ['127.0.0.1:1'] }), log), 'DBA_CDC_BROKER_UNREACHABLE');
    expect(await publicationExists('cdc_bad')).to.equal(false);
    expect(await slotState('cdc_bad')).to.equal(undefined);
    expect((await query<{ c: string | null }>(url, `SELECT obj_description(oid, 'pg_publication') AS c FROM pg_publication WHERE pubname = 'theirs'`))[0]?.c).to.equal(null);
    // The guardrail: an unbounded max_slot_wal_keep_size is a coded warning.
    await query(url, 'ALTER SYSTEM RESET max_slot_wal_keep_size');
    await query(url, 'SELECT pg_reload_conf()');
    await eventually(async () => ((await query<{ v: string }>(url, `SELECT current_setting('max_slot_wal_keep_size') AS v`))[0]?.v === '-1' ? true : undefined), 'the reset');
    const report = await prepareCdc(options({ slot: 'cdc_warn', publication: 'cdc_warn' }), log);
    expect(report.warnings.map((w) => w.code)).to.deep.equal(['DBA_CDC_SLOT_KEEP_UNBOUNDED']);
  });

  describe('publish_to: kafka', () => {
    let kfake: Kfake;
    before(async () => {
      kfake = await startKfake();
    });
    after(async () => {
      await kfake?.stop();
    });

    it('CDC events of one table arrive in the kfake topic, read back by a Kafka client', async () => {
      const opts = options({ slot: 'cdc_kafka', publication: 'cdc_kafka', tables: [{ table: 'users', topic: 'database.users.changes' }], publishTo: 'kafka', kafkaBrokers: [kfake.broker] });
      await prepareCdc(opts, log);
      const controller = new AbortController();
      const streaming = streamCdc(opts, { signal: controller.signal, heartbeat: () => undefined, log }, noCdcProgress);
      await query(url, `INSERT INTO users SELECT g, 'k' || g FROM generate_series(100, 149) g`);
      await query(url, `UPDATE users SET name = 'changed' WHERE id = 100`);
      const kafka = new kafkajs.Kafka({ clientId: 'cdc-test', brokers: [kfake.broker], logLevel: kafkajs.logLevel.NOTHING });
      const consumer = kafka.consumer({ groupId: `cdc-test-${Date.now()}` });
      await consumer.connect();
      await consumer.subscribe({ topic: 'database.users.changes', fromBeginning: true });
      const read: { key: string | undefined; event: ChangeEvent; headers: Record<string, string> }[] = [];
      await consumer.run({
        eachMessage: ({ message }) => {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
          read.push({ key: message.key?.toString(), event: JSON.parse(message.value?.toString() ?? 'null') as ChangeEvent, headers });
          return Promise.resolve();
        },
      });
      await eventually(() => Promise.resolve(read.length >= 51 ? true : undefined), '51 records in the topic', 60_000);
      await consumer.disconnect();
      controller.abort();
      await streaming;
      expect(read.filter((r) => r.event.op === 'insert').map((r) => r.event.key)).to.deep.equal(Array.from({ length: 50 }, (_, i) => ({ id: 100 + i })));
      expect(read.at(-1)?.event).to.deep.include({ op: 'update', after: { id: 100, name: 'changed' } });
      expect(read[0]).to.deep.include({ key: '100' });
      expect(read[0]?.headers).to.include({ 'x-dbarch-event': 'users.insert', 'x-dbarch-message-id': `cdc_kafka:${read[0]?.event.commitLsn}:0` });
    });
  });
});
