import { expect } from 'chai';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

describe('parallel branches', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  beforeEach(async () => {
    db = await sideEffectsDatabase('parallel');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('fail as soon as one branch fails: a sibling gate and timer are cancelled, no human needed, and compensations run', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('fanfail');
    const plan = await planFor(writeSpec('parallel-gate.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex') }));
    await withWorker({ taskQueue }, async () => {
      const started = Date.now();
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      const error = await handle.result().then(() => undefined, (e: unknown) => e);
      expect(Date.now() - started, 'failed without waiting for the gate or the 1 h wait').to.be.below(20_000);
      expect(error).to.be.instanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure).to.be.instanceOf(ApplicationFailure);
      expect(failure.type).to.equal('DBA_STEP_FAILED');
      const result = failure.details?.[0] as InterpreterResult;
      expect(result.phase).to.equal('failed');
      expect(result.steps.broken?.status).to.equal('failed');
      expect(result.steps.broken?.lastError?.code).to.equal('DBA_STEP_SQL');
      expect(result.steps.dba_approval?.status).to.equal('cancelled');
      expect(result.steps.nap?.status).to.equal('cancelled');
      expect(result.steps.fan?.status).to.equal('failed');
      expect(result.steps.after).to.equal(undefined);
      expect(result.steps.s1?.status).to.equal('compensated');
      expect(result.approvals).to.deep.equal([]);
      const status = await handle.query(interpreterMessages.status);
      expect(status.awaitingApproval).to.equal(false);
      expect(status.openGates).to.deep.equal([]);
      await recordHistory(handle, 'parallel-branch-fails-fast');
    });
    expect(await db.effects()).to.deep.equal(['s1', 's1.compensate']);
  });
});
