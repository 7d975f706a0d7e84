// The seed's 100k-event run: the relay workflow on a worker of this process relays SOAK_EVENTS (default 100000)
// events committed while RabbitMQ is stopped and started (rabbitmqctl stop_app / start_app) part-way; then an
// idempotent consumer applies them. Exits 0 when none is lost, per-key order held and each event was applied once.
// Run: node --import tsx test/soak/outbox.soak.ts   (not part of npm test: it takes minutes)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRelay } from '../../app/startRelay.ts';
import { eventually } from '../support/childProcess.ts';
import { sharedTemporal, stopSharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { outboxFixture } from '../queue/outboxFixture.ts';

const events = Number(process.env.SOAK_EVENTS ?? 100_000);
const run = promisify(execFile);

async function main(): Promise<boolean> {
  const fx = await outboxFixture('soak_outbox');
  const temporal = await sharedTemporal();
  const taskQueue = uniqueTaskQueue('soak-outbox');
  const started = Date.now();
  try {
    return await withWorker({ taskQueue }, async () => {
      const relay = await startRelay(temporal.client, { database: fx.db.name, exchange: fx.exchange, runForMs: 30_000 }, taskQueue);
      const writing = fx.writeEvents(events, { keys: 100, perTransaction: 50 });
      await eventually(async () => ((await fx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM written')).rows[0]?.n ?? 0) >= events / 3 ? true : undefined, 'a third written', 600_000);
      console.log(`restarting RabbitMQ after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      try {
        await run('rabbitmqctl', ['stop_app']);
      } finally {
        await run('rabbitmqctl', ['start_app']);
      }
      await writing;
      await eventually(async () => ((await fx.outboxRows()) === 0 ? true : undefined), 'the outbox to drain', 600_000);
      console.log(`relayed ${events} events in ${((Date.now() - started) / 1000).toFixed(1)} s (writing included)`);
      await fx.startConsumer();
      await eventually(async () => ((await fx.applied()) >= events ? true : undefined), 'every event applied', 900_000);
      const missing = await fx.missing();
      const disorder = await fx.outOfOrderKeys();
      const { rows } = await fx.pool.query<{ n: number; ids: number }>('SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS ids FROM applied');
      console.log(`applied ${rows[0]?.n} (${rows[0]?.ids} distinct ids), missing ${missing}, keys out of order ${disorder.length}, duplicates dropped by the consumer ${fx.duplicates()}`);
      await temporal.client.workflow.getHandle(relay.workflowId).cancel();
      return missing === 0 && disorder.length === 0 && rows[0]?.n === events && rows[0]?.ids === events;
    });
  } finally {
    await fx.close();
    await stopSharedTemporal();
  }
}

const ok = await main();
console.log(ok ? 'outbox soak: passed' : 'outbox soak: FAILED');
process.exit(ok ? 0 : 1);
