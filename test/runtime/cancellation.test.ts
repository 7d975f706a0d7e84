import { expect } from 'chai';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cancelling the interpreter while a step runs', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  beforeEach(async () => {
    db = await sideEffectsDatabase('cancel');
  });
  afterEach(async () => {
    await db.drop();
  });

  /** Starts the slow-step plan, cancels it while `slow` runs, and returns the final status once it ended Cancelled. */
  async function cancelDuringSlowStep(heartbeat: string, sleepSeconds: number, history?: string): Promise<InterpreterStatus> {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('cancel');
    const plan = await planFor(writeSpec('slow-step.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex'), __HEARTBEAT__: heartbeat, __SLEEP__: String(sleepSeconds) }));
    return withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle: WorkflowHandle = temporal.client.workflow.getHandle(workflowId);
      await eventually(async () => ((await handle.query(interpreterMessages.status)).currentSteps.includes('slow') ? true : undefined), 'the slow step to run');
      await handle.cancel();
      const error = await handle.result().then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause).to.be.instanceOf(CancelledFailure);
      if (history) await recordHistory(handle, history);
      return handle.query(interpreterMessages.status);
    });
  }

  it('waits for a step that does not notice the cancel to commit, then compensates it too', async () => {
    // The step heartbeats every 20 s, so the cancel only reaches it after it has committed.
    const status = await cancelDuringSlowStep('60s', 2, 'cancel-waits-for-running-step');
    expect(status.phase).to.equal('cancelled');
    expect(status.steps.slow?.status).to.equal('compensated');
    expect(status.steps.s1?.status).to.equal('compensated');
    const atEnd = await db.effects();
    expect(atEnd).to.deep.equal(['s1', 'slow', 'slow.compensate', 's1.compensate']);
    await pause(3000);
    expect(await db.effects(), 'no late commit after the workflow ended').to.deep.equal(atEnd);
  });

  it('stops a step that notices the cancel, waits for it to roll back, and compensates it as its outcome is unknown', async () => {
    const status = await cancelDuringSlowStep('1s', 6);
    expect(status.phase).to.equal('cancelled');
    expect(status.steps.slow?.status, 'cancelled mid-flight, then compensated').to.equal('compensated');
    expect(status.steps.slow?.compensation?.status).to.equal('succeeded');
    expect(status.steps.s1?.status).to.equal('compensated');
    const atEnd = await db.effects();
    expect(atEnd).to.deep.equal(['s1', 'slow.compensate', 's1.compensate']);
    await pause(3000);
    expect(await db.effects(), 'the cancelled statement never commits').to.deep.equal(atEnd);
  });
});
