import { expect } from 'chai';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

describe('an approval gate\'s outcome', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  beforeEach(async () => {
    db = await sideEffectsDatabase('outcome');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('is final: an approval arriving in the same workflow task right after a rejection is refused', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('final');
    const plan = await planFor(writeSpec('release.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex'), __GATE_TIMEOUT__: '1h', __ON_TIMEOUT__: 'reject' }));
    const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
    const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
    await withWorker({ taskQueue }, () =>
      eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the workflow to wait at the gate'),
    );
    // No worker now (busy or restarting): both signals are delivered together in the next workflow task.
    await handle.signal(interpreterMessages.rejectSignal, { identity: 'alice', planHash: plan.hash, comment: 'wrong plan' });
    await handle.signal(interpreterMessages.approveSignal, { identity: 'bob', planHash: plan.hash, comment: 'ship it' });

    const error = await withWorker({ taskQueue }, () => handle.result().then(() => undefined, (e: unknown) => e));
    expect(error).to.be.instanceOf(WorkflowFailedError);
    const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure).to.be.instanceOf(ApplicationFailure);
    expect(failure.type).to.equal('DBA_APPROVAL_REJECTED');
    const result = failure.details?.[0] as InterpreterResult;
    expect(result.phase).to.equal('rejected');
    expect(result.approvals.map((a) => [a.identity, a.decision, a.via])).to.deep.equal([['alice', 'reject', 'signal']]);
    expect(result.refused.map((r) => [r.identity, r.decision, r.code])).to.deep.equal([['bob', 'approve', 'DBA_APPROVAL_DECIDED']]);
    expect(result.refused[0]?.message).to.contain('already rejected');
    expect(result.steps.create_table?.status).to.equal('compensated');
    expect(result.steps.seed).to.equal(undefined);
    expect(await db.effects()).to.deep.equal(['create_table', 'create_table.compensate']);
    await recordHistory(handle, 'rejection-is-final');
  });
});
