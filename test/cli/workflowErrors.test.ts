import { expect } from 'chai';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { pipelineSpec, planPipeline, type PipelineSpec } from '../pipeline/pipelineFixture.ts';
import { runCli, stackTrace } from './runCli.ts';

/** What the workflow verbs print when the id is wrong, when no worker answers, and when approve names no plan. */
describe('dbarch workflow verbs: wrong ids, no worker, approving the plan reviewed', function () {
  this.timeout(180_000);
  let env: Record<string, string>;
  before(async () => {
    const temporal = await sharedTemporal();
    env = { TEMPORAL_ADDRESS: temporal.address };
  });

  it('a wrong workflow id is DBA_WORKFLOW_NOT_FOUND (exit 1, a hint to list workflows, no stack) for every verb', async () => {
    const id = `nosuch-${Date.now()}`;
    const verbs = [['status', id], ['approve', id, '--as', 'dba', '--yes'], ['reject', id, '--as', 'dba'], ['cancel', id], ['history', id]];
    const runs = await Promise.all(verbs.map((args) => runCli(args, env)));
    runs.forEach((run, i) => {
      const what = `${verbs[i]?.join(' ')}:\n${run.output}`;
      expect(run.code, what).to.equal(1);
      expect(run.output, what).to.match(/^DBA_WORKFLOW_NOT_FOUND: /m);
      expect(run.output, what).to.include('temporal workflow list');
      expect(run.output, what).to.not.match(stackTrace);
    });
  });

  describe('a production pipeline waiting at its gate', () => {
    let spec: PipelineSpec;
    let taskQueue: string;
    let workflowId: string;
    let planHash: string;
    before(async () => {
      spec = await pipelineSpec('good', { production: { require_approval: true } });
      taskQueue = uniqueTaskQueue('cli-gate');
      const temporal = await sharedTemporal();
      await withWorker({ taskQueue }, async () => {
        const plan = await planPipeline(spec.path, 'production');
        planHash = plan.hash;
        workflowId = (await startPlanWorkflow(temporal.client, plan, taskQueue)).workflowId;
        const handle = temporal.client.workflow.getHandle(workflowId);
        await eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the gate to open', 120_000);
      });
      // The worker has stopped here: nobody answers the workflow's queries or Updates.
    });
    after(async () => {
      const temporal = await sharedTemporal();
      await temporal.client.workflow.getHandle(workflowId).terminate('test done').catch(() => undefined);
      await spec.drop();
    });

    it('without a worker, approve and status do not hang: DBA_WORKER_UNAVAILABLE names the task queue (status still shows what the server knows)', async () => {
      const began = Date.now();
      const [approve, status] = await Promise.all([runCli(['approve', workflowId, '--as', 'dba', '--plan-hash', planHash], env), runCli(['status', workflowId], env)]);
      expect(Date.now() - began).to.be.below(25_000);
      expect(approve.code, approve.output).to.equal(1);
      expect(approve.output).to.match(/^DBA_WORKER_UNAVAILABLE: .*task queue "test-cli-gate-/m);
      expect(approve.output).to.include('dbarch worker');
      expect(approve.output).to.not.match(stackTrace);
      expect(status.code, status.output).to.equal(0);
      expect(status.output).to.match(/note: DBA_WORKER_UNAVAILABLE: /);
      expect(status.output).to.include(`${workflowId}  RUNNING`);
      expect(status.output).to.not.match(stackTrace);
    });

    it('approve without --plan-hash prints the running plan and its hash and stops (exit 2); with the hash it approves', async () => {
      const temporal = await sharedTemporal();
      const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);
      await withWorker({ taskQueue }, async () => {
        const bare = await runCli(['approve', workflowId, '--as', 'dba'], env);
        expect(bare.code, bare.output).to.equal(2);
        expect(bare.output).to.include(`plan ${planHash}`);
        expect(bare.output).to.match(/^DBA_USAGE: .*--plan-hash.*--yes/m);
        expect(bare.output).to.include(`dbarch approve ${workflowId} --as dba --plan-hash ${planHash}`);
        expect(bare.output).to.not.match(stackTrace);
        expect((await handle.query(interpreterMessages.status)).approvals).to.deep.equal([]);

        const approved = await runCli(['approve', workflowId, '--as', 'dba', '--plan-hash', planHash], env);
        expect(approved.code, approved.output).to.equal(0);
        expect(approved.output).to.include(`Approved gate approve of ${workflowId} as dba`);
        const result = await handle.result();
        expect(result.phase).to.equal('succeeded');
        // The attempt made while no worker ran left nothing behind: one approval, by the command that had one.
        expect(result.approvals.map((a) => [a.identity, a.planHash])).to.deep.equal([['dba', planHash]]);
      });
    });
  });
});
