import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

describe('the interpreter with a worker SIGKILLed during a step', () => {
  const children: Child[] = [];
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  before(async () => {
    db = await sideEffectsDatabase('kill');
    await db.client.query('CREATE TABLE kill_marker (at timestamptz DEFAULT now())');
  });
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await db.drop();
  });

  function startWorker(taskQueue: string, address: string): Child {
    const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
    children.push(child);
    return child;
  }

  it('resumes on another worker and no step\'s side effect happens twice', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('interp-kill');
    const plan = await planFor(writeSpec('three-steps.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex') }));

    const first = startWorker(taskQueue, temporal.address);
    await first.waitForLine(/worker started/);
    const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
    const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);

    // Step two has inserted its row and sleeps inside its still-open transaction.
    await eventually(async () => {
      const { rows } = await db.client.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`, [db.name]);
      return rows.length > 0 ? true : undefined;
    }, 'step two to be inside its transaction');
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    await db.client.query('INSERT INTO kill_marker DEFAULT VALUES');
    await eventually(async () => ((await db.effects()).join() === 'one' ? true : undefined), 'the killed attempt to be rolled back');

    const second = startWorker(taskQueue, temporal.address);
    const result = await handle.result();
    expect(result.phase).to.equal('succeeded');
    expect(await db.effects()).to.deep.equal(['one', 'two', 'three']);
    expect(result.steps.one?.attempts).to.equal(1);
    expect(result.steps.two?.attempts, 'step two was retried after the kill').to.be.greaterThan(1);
    expect(result.steps.two?.lastError?.code).to.match(/^TIMEOUT_/);
    expect(result.steps.three?.attempts).to.equal(1);
    const status = await handle.query(interpreterMessages.status);
    expect(status.phase).to.equal('succeeded');
    await recordHistory(handle, 'worker-killed-mid-step');

    second.process.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
  });
});
