import { expect } from 'chai';
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult, InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { dbarchSearchAttributes } from '../../workflows/searchAttributes.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

type Db = Awaited<ReturnType<typeof sideEffectsDatabase>>;

async function cli(args: string[], taskQueue: string): Promise<{ code: number | string; output: string }> {
  const temporal = await sharedTemporal();
  const child = spawnTs('bin/dbarch.js', args, { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'warn' });
  const code = await child.exited;
  return { code, output: child.output() };
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    const cause = error instanceof WorkflowUpdateFailedError || error instanceof WorkflowFailedError ? error.cause : error;
    if (cause instanceof ApplicationFailure) return cause;
    throw error;
  }
  throw new Error('expected a failure');
}

const awaitingGate = (handle: WorkflowHandle) =>
  eventually(async () => {
    const status = await handle.query(interpreterMessages.status);
    return status.awaitingApproval ? status : undefined;
  }, 'the workflow to wait at the approval gate');

describe('a procedure with an approval gate', () => {
  let db: Db;
  beforeEach(async () => {
    db = await sideEffectsDatabase('approvals');
  });
  afterEach(async () => {
    await db.drop();
  });

  const spec = (gateTimeout = '1h', onTimeout = 'reject') =>
    writeSpec('release.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex'), __GATE_TIMEOUT__: gateTimeout, __ON_TIMEOUT__: onTimeout });

  it('is applied from the CLI, waits for approval, refuses an approver without the role and completes on an authorised approval', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('approve');
    const path = spec();
    await withWorker({ taskQueue }, async () => {
      const applied = await cli(['apply', path, '--env', 'dev', '--format', 'json'], taskQueue);
      expect(applied.code, applied.output).to.equal(0);
      const started = JSON.parse(applied.output.trim().split('\n').at(-1) ?? '{}') as { workflowId: string; runId: string; uiUrl: string | null };
      expect(started.workflowId).to.match(/^apply:dev:release:[0-9a-f]{16}$/);
      expect(started.runId).to.be.a('string').and.not.equal('');
      expect(started).to.have.property('uiUrl');

      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(started.workflowId);
      const waiting = await awaitingGate(handle);
      expect(waiting.phase).to.equal('awaiting-approval');
      expect(waiting.steps.create_table?.status).to.equal('succeeded');
      expect(waiting.openGates[0]?.gate).to.equal('dba_approval');

      const status = await cli(['status', started.workflowId, '--format', 'json'], taskQueue);
      expect(status.code, status.output).to.equal(0);
      const statusJson = JSON.parse(status.output.trim().split('\n').at(-1) ?? '{}') as { status: string; phase: string; awaitingApproval: boolean; steps: Record<string, { status: string; attempts: number }> };
      expect(statusJson).to.include({ status: 'RUNNING', phase: 'awaiting-approval', awaitingApproval: true });
      expect(statusJson.steps.create_table).to.include({ status: 'succeeded', attempts: 1 });

      // The UI can filter on it: the search attribute follows the gate.
      await eventually(async () => {
        const description = await handle.describe();
        return description.typedSearchAttributes.get(dbarchSearchAttributes.awaitingApproval) === true ? true : undefined;
      }, 'DbarchAwaitingApproval=true');

      const refused = await cli(['approve', started.workflowId, '--as', 'dave', '--yes', '--format', 'json'], taskQueue);
      expect(refused.code).to.equal(1);
      expect(refused.output).to.contain('DBA_APPROVAL_NOT_AUTHORISED');

      const planHash = waiting.planHash ?? '';
      const mismatch = await failureOf(handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'alice', planHash: 'f'.repeat(64) }] }));
      expect(mismatch.type).to.equal('DBA_APPROVAL_PLAN_MISMATCH');

      const approved = await cli(['approve', started.workflowId, '--as', 'alice', '--yes', '--comment', 'looks right'], taskQueue);
      expect(approved.code, approved.output).to.equal(0);

      const result = await handle.result();
      expect(result.phase).to.equal('succeeded');
      expect(result.approvals).to.have.length(1);
      expect(result.approvals[0]).to.include({ gate: 'dba_approval', decision: 'approve', identity: 'alice', comment: 'looks right', planHash, via: 'update' });
      expect(result.approvals[0]?.at).to.match(/^\d{4}-\d\d-\d\dT/);
      expect(Object.fromEntries(Object.entries(result.steps).map(([id, step]) => [id, step.status]))).to.deep.equal({
        create_table: 'succeeded',
        dba_approval: 'succeeded',
        seed: 'succeeded',
        announce: 'succeeded',
      });
      expect(await db.effects()).to.deep.equal(['create_table', 'seed']);

      const history = await cli(['history', started.workflowId], taskQueue);
      expect(history.code, history.output).to.equal(0);
      expect(history.output).to.match(/approve\s+by alice: "looks right"/);
      await recordHistory(handle, 'approval-granted');
    });
  });

  it('runs the compensation when the gate is rejected', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('reject');
    const plan = await planFor(spec());
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      await awaitingGate(handle);
      const record = await handle.executeUpdate(interpreterMessages.reject, { args: [{ identity: 'bob', planHash: plan.hash, comment: 'not today' }] });
      expect(record).to.include({ decision: 'reject', identity: 'bob' });
      const failure = await failureOf(handle.result());
      expect(failure.type).to.equal('DBA_APPROVAL_REJECTED');
      const result = failure.details?.[0] as InterpreterResult;
      expect(result.phase).to.equal('rejected');
      expect(result.steps.create_table?.status).to.equal('compensated');
      expect(result.steps.create_table?.compensation?.status).to.equal('succeeded');
      expect(result.steps.seed).to.equal(undefined);
      expect(result.approvals.map((a) => [a.identity, a.decision, a.comment])).to.deep.equal([['bob', 'reject', 'not today']]);
      expect(await db.effects()).to.deep.equal(['create_table', 'create_table.compensate']);
      const { rows } = await db.client.query<{ t: string | null }>(`SELECT to_regclass('orders') AS t`);
      expect(rows[0]?.t).to.equal(null);
      await recordHistory(handle, 'approval-rejected');
    });
  });

  it('rejects at the gate timeout when on_timeout is reject, and passes when it is approve', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('timeout');
    const rejecting = await planFor(spec('1s', 'reject'));
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, rejecting, taskQueue);
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      const failure = await failureOf(handle.result());
      expect(failure.type).to.equal('DBA_APPROVAL_TIMEOUT');
      const result = failure.details?.[0] as InterpreterResult;
      expect(result.steps.create_table?.status).to.equal('compensated');
      expect(result.approvals.map((a) => [a.identity, a.decision, a.via])).to.deep.equal([['timeout', 'reject', 'timeout']]);
      await recordHistory(handle, 'gate-timeout-reject');
    });
    expect(await db.effects()).to.deep.equal(['create_table', 'create_table.compensate']);

    await db.client.query('TRUNCATE side_effects');
    const approving = await planFor(spec('1s', 'approve'));
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, approving, taskQueue);
      const result = await temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId).result();
      expect(result.phase).to.equal('succeeded');
      expect(result.approvals.map((a) => [a.identity, a.decision])).to.deep.equal([['timeout', 'approve']]);
    });
    expect(await db.effects()).to.deep.equal(['create_table', 'seed']);
  });

  it('starts one workflow when the same spec is applied twice at once', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('twice');
    const plan = await planFor(spec());
    await withWorker({ taskQueue }, async () => {
      const [first, second] = await Promise.all([startPlanWorkflow(temporal.client, plan, taskQueue), startPlanWorkflow(temporal.client, plan, taskQueue)]);
      expect(first.workflowId).to.equal(second.workflowId);
      expect(first.runId).to.equal(second.runId);
      const handle = temporal.client.workflow.getHandle(first.workflowId);
      await awaitingGate(handle);
      const third = await startPlanWorkflow(temporal.client, plan, taskQueue);
      expect(third.runId).to.equal(first.runId);
      await handle.cancel();
      await failureOf(handle.result()).catch(() => undefined);
      const runs = [];
      for await (const run of temporal.client.workflow.list({ query: `WorkflowId = '${first.workflowId}'` })) runs.push(run.runId);
      expect(runs).to.deep.equal([first.runId]);
      expect(await db.effects()).to.deep.equal(['create_table', 'create_table.compensate']);
    });
  });

  it('takes approvals by signal, refusing a second approval by the same identity', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('signal');
    const path = spec();
    const plan = await planFor(path);
    const twoApprovals = { ...plan, root: { ...plan.root, nodes: plan.root.nodes.map((node) => (node.kind === 'gate' ? { ...node, count: 2 } : node)) } };
    await withWorker({ taskQueue }, async () => {
      const handle = await temporal.client.workflow.start('planInterpreterWorkflow', { taskQueue, workflowId: `signal-${taskQueue}`, args: [{ plan: twoApprovals }] });
      await awaitingGate(handle);
      const duplicate = await failureOf(
        (async () => {
          await handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'alice', planHash: plan.hash }] });
          await handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'alice', planHash: plan.hash }] });
        })(),
      );
      expect(duplicate.type).to.equal('DBA_APPROVAL_DUPLICATE');
      await handle.signal(interpreterMessages.approveSignal, { identity: 'dave', planHash: plan.hash });
      await handle.signal(interpreterMessages.approveSignal, { identity: 'bob', planHash: plan.hash, comment: 'second pair of eyes' });
      const result = (await handle.result()) as InterpreterResult;
      expect(result.approvals.map((a) => [a.identity, a.via])).to.deep.equal([
        ['alice', 'update'],
        ['bob', 'signal'],
      ]);
      expect(result.refused.map((r) => [r.identity, r.code])).to.deep.equal([['dave', 'DBA_APPROVAL_NOT_AUTHORISED']]);
      const status: InterpreterStatus = await handle.query(interpreterMessages.status);
      expect(status.phase).to.equal('succeeded');
      await recordHistory(handle, 'approval-by-signal');
    });
  });
});
