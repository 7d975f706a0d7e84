import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { relayWorkflowId, startRelay } from '../../app/startRelay.ts';
import { relayStatusQuery, type relayWorkflow, type RelayStatus, type RelayWorkflowInput } from '../../workflows/relayWorkflow.ts';
import { recordHistory } from '../runtime/runtimeFixture.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { outboxFixture, type OutboxFixture } from './outboxFixture.ts';

const run = promisify(execFile);

/**
 * The progress a later run of the relay started from, once the workflow has continued as new after a retried
 * attempt: the retry resumed its counters from the heartbeat details of the attempt that broke.
 */
async function resumedProgress(workflowId: string): Promise<RelayStatus['progress']> {
  const temporal = await sharedTemporal();
  const handle = temporal.client.workflow.getHandle(workflowId);
  return eventually(async () => {
    const status = await handle.query(relayStatusQuery);
    return (status.progress?.resumes ?? 0) >= 1 ? status.progress : undefined;
  }, 'a run that resumed from heartbeat details', 30_000);
}

describe('the outbox relay workflow relay:<database>', function () {
  this.timeout(180_000);
  const children: Child[] = [];
  const fixtures: OutboxFixture[] = [];
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    for (const fx of fixtures) await fx.close();
  });

  function input(fx: OutboxFixture): RelayWorkflowInput {
    // A short run makes the workflow continue as new during the test, carrying its progress.
    return { database: fx.db.name, exchange: fx.exchange, batchSize: 200, pollIntervalMs: 50, runForMs: 4000, heartbeatTimeoutMs: 2000 };
  }

  it('resumes after its worker is SIGKILLed mid-batch: nothing lost, per-key order kept, every duplicate dropped by the consumer', async () => {
    const fx = await outboxFixture('relay_kill');
    fixtures.push(fx);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('relay-kill');
    const worker = (): Child => {
      const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
      children.push(child);
      return child;
    };
    await fx.writeEvents(4000, { keys: 25, perTransaction: 40 });
    await fx.startConsumer();
    const first = worker();
    await first.waitForLine(/worker started/);
    const started = await startRelay(temporal.client, input(fx), taskQueue);
    expect(started.workflowId).to.equal(relayWorkflowId(fx.db.name));
    expect((await startRelay(temporal.client, input(fx), taskQueue)).alreadyRunning, 'a second start attaches').to.equal(true);

    // Killed while batches are in flight: some rows published, others not yet.
    await eventually(async () => {
      const left = await fx.outboxRows();
      return left < 3800 && left > 0 ? true : undefined;
    }, 'the relay to be part-way');
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    await fx.writeEvents(2000, { keys: 25, perTransaction: 40 }); // committed while no relay runs

    worker();
    await eventually(async () => ((await fx.outboxRows()) === 0 && (await fx.applied()) === 6000 ? true : undefined), 'every event to be applied', 120_000);
    expect(await fx.missing()).to.equal(0);
    expect(await fx.outOfOrderKeys(), 'per-key order across the relay restart').to.deep.equal([]);
    const { rows } = await fx.pool.query<{ n: number; ids: number }>('SELECT count(*)::int AS n, count(DISTINCT message_id)::int AS ids FROM applied');
    expect(rows[0], 'each event applied once; redeliveries were dropped').to.deep.equal({ n: 6000, ids: 6000 });
    const progress = await resumedProgress(started.workflowId);
    expect(progress?.published, 'counted from heartbeats, best effort: the table is the truth').to.be.within(1, 6000);
    const handle = temporal.client.workflow.getHandle<typeof relayWorkflow>(started.workflowId);
    await handle.cancel();
    expect((await handle.result()).phase, 'cancelling stops the relay').to.equal('stopped');
    await recordHistory(handle, 'relay-continued-as-new-then-cancelled');
  });

  it('loses nothing when RabbitMQ restarts (stop_app / start_app) while events are being committed and relayed', async () => {
    const fx = await outboxFixture('relay_restart');
    fixtures.push(fx);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('relay-restart');
    await withWorker({ taskQueue }, async () => {
      const started = await startRelay(temporal.client, input(fx), taskQueue);
      const writing = fx.writeEvents(8000, { keys: 25, perTransaction: 20 });
      await eventually(async () => ((await fx.outboxRows()) < (await writtenCount(fx)) - 300 ? true : undefined), 'the relay to have published some');
      try {
        await run('rabbitmqctl', ['stop_app']);
      } finally {
        await run('rabbitmqctl', ['start_app']);
      }
      await run('rabbitmqctl', ['await_startup']);
      await writing;
      await eventually(async () => ((await fx.outboxRows()) === 0 ? true : undefined), 'the outbox to drain after the restart', 120_000);
      expect(await resumedProgress(started.workflowId), 'the attempt the restart broke was retried and resumed').to.not.equal(null);
      await fx.startConsumer();
      await eventually(async () => ((await fx.applied()) === 8000 ? true : undefined), 'every event to be applied', 60_000);
      expect(await fx.missing()).to.equal(0);
      expect(await fx.outOfOrderKeys()).to.deep.equal([]);
      await temporal.client.workflow.getHandle(started.workflowId).cancel();
    });
  });
});

async function writtenCount(fx: OutboxFixture): Promise<number> {
  return (await fx.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM written')).rows[0]?.n ?? 0;
}
