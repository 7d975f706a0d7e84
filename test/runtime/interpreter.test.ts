import { expect } from 'chai';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { renderPlan } from '../../plan/renderPlan.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { spawnTs } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { planFor, sideEffectsDatabase, writeSpec } from './runtimeFixture.ts';

describe('the plan interpreter', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  beforeEach(async () => {
    db = await sideEffectsDatabase('interp');
  });
  afterEach(async () => {
    await db.drop();
  });
  const spec = (broken: string) => writeSpec('many-steps.yaml', { __DB__: db.name, __TAG__: randomBytes(4).toString('hex'), __BROKEN__: JSON.stringify(broken) });

  it('plans in order with a reason per step, leaving out steps of other environments', async () => {
    const path = spec("INSERT INTO side_effects (step) VALUES ('broken')");
    const plan = await planFor(path);
    expect(plan.skipped).to.deep.equal([{ id: 'skipped_in_dev', reason: 'runs only in prod' }]);
    const text = renderPlan(plan);
    expect(text).to.match(/\+ 1\. s1 {2}builtin\/sql {2}run SQL on database dbarch_t_interp_\w+: INSERT INTO side_effects/);
    expect(text).to.contain('on failure: run SQL on database');
    expect(text).to.contain('- skipped_in_dev  skipped: runs only in prod');
    const cli = spawnTs('bin/dbarch.js', ['plan', path, '--env', 'dev', '--format', 'json']);
    expect(await cli.exited, cli.output()).to.equal(0);
    expect((JSON.parse(cli.output()) as { hash: string }).hash).to.equal(plan.hash);
    const bad = spawnTs('bin/dbarch.js', ['plan', path, '--env', 'dev', '--procedure', 'mnay']);
    expect(await bad.exited).to.equal(1);
    expect(bad.output()).to.contain('DBA_PLAN_PROCEDURE_UNKNOWN').and.contain('did you mean `many`?');
  });

  it('runs sequences, parallel branches and conditions, and continues as new with its progress', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('can');
    const plan = await planFor(spec("INSERT INTO side_effects (step) VALUES ('broken')"));
    await withWorker({ taskQueue }, async () => {
      const handle = await temporal.client.workflow.start('planInterpreterWorkflow', { taskQueue, workflowId: `can-${taskQueue}`, args: [{ plan, continueAsNewAfter: 2 }] });
      const result = (await handle.result()) as InterpreterResult;
      expect(result.phase).to.equal('succeeded');
      expect(Object.values(result.steps).every((step) => step.status === 'succeeded')).to.equal(true);
      expect(Object.keys(result.steps).sort()).to.deep.equal(['broken', 'fan', 's1', 's2', 's3', 's4', 's5']);
      const runs = [];
      for await (const run of temporal.client.workflow.list({ query: `WorkflowId = 'can-${taskQueue}'` })) runs.push(run.runId);
      expect(runs.length, 'continued as new at least twice').to.be.greaterThan(2);
    });
    expect((await db.effects()).sort()).to.deep.equal(['broken', 's1', 's2', 's3', 's5']);
  });

  it('stops at a non-retryable SQL error after one attempt and compensates completed steps', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('fail');
    const plan = await planFor(spec('INSERT INTO no_such_table VALUES (1)'));
    await withWorker({ taskQueue }, async () => {
      const handle = await temporal.client.workflow.start('planInterpreterWorkflow', { taskQueue, workflowId: `fail-${taskQueue}`, args: [{ plan }] });
      const error = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(WorkflowFailedError);
      const failure = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(failure.type).to.equal('DBA_STEP_FAILED');
      const result = failure.details?.[0] as InterpreterResult;
      expect(result.phase).to.equal('failed');
      expect(result.steps.broken).to.deep.include({ status: 'failed', attempts: 1 });
      expect(result.steps.broken?.lastError?.code).to.equal('DBA_STEP_SQL');
      expect(result.steps.broken?.lastError?.message).to.contain('42P01');
      expect(result.steps.s1?.status).to.equal('compensated');
    });
    expect(await db.effects()).to.include.members(['s1', 's2', 's3', 's5', 's1.compensate']);
    expect((await db.effects()).at(-1)).to.equal('s1.compensate');
  });
});
