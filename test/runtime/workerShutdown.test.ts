import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { closeActivityDeps, createActivityDeps } from '../../activities/ActivityDeps.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { createDbarchWorker } from '../../worker.ts';
import { eventually } from '../support/childProcess.ts';
import { sharedTemporal, testLog, uniqueTaskQueue } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

/** A worker with a short shutdown grace time, shut down gracefully (as on SIGTERM) once `fn` settles. */
async function withGracefulWorker<T>(taskQueue: string, shutdownGraceTime: string, fn: () => Promise<T>): Promise<T> {
  const temporal = await sharedTemporal();
  const deps = createActivityDeps(serviceUrls(), testLog);
  try {
    const worker = await createDbarchWorker({ connection: temporal.nativeConnection, namespace: temporal.namespace, taskQueue, activities: createActivities(deps), log: testLog, shutdownGraceTime });
    return await worker.runUntil(fn());
  } finally {
    await closeActivityDeps(deps);
  }
}

describe('the interpreter across a graceful worker shutdown', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  beforeEach(async () => {
    db = await sideEffectsDatabase('shutdown');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('retries a step outlasting the grace time on the next worker, without compensating, and its effect happens once', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('shutdown');
    const plan = await planFor(writeSpec('slow-step.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex'), __HEARTBEAT__: '2s', __SLEEP__: '4' }));
    const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
    const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);

    // A rolling deploy: the worker is asked to stop while `slow` runs, and its 1 s grace time runs out first.
    await withGracefulWorker(taskQueue, '1s', () =>
      eventually(async () => ((await handle.query(interpreterMessages.status)).currentSteps.includes('slow') ? true : undefined), 'the slow step to run'),
    );
    expect(await db.effects(), 'the interrupted attempt rolled back').to.deep.equal(['s1']);

    const result = await withGracefulWorker(taskQueue, '10s', () => handle.result());
    expect(result.phase).to.equal('succeeded');
    expect(result.steps.slow).to.deep.include({ status: 'succeeded', attempts: 2 });
    expect(result.steps.slow?.lastError).to.include({ code: 'DBA_STEP_INTERRUPTED', attempt: 1 });
    expect(result.steps.s1?.status).to.equal('succeeded');
    expect(result.steps.s1?.compensation, 'no compensation ran').to.equal(undefined);
    expect(await db.effects()).to.deep.equal(['s1', 'slow']);
    await recordHistory(handle, 'worker-shutdown-mid-step');
  });
});
