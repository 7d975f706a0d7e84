import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually } from '../support/childProcess.ts';
import { deploymentSection } from '../support/deploymentSection.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { planFor, recordHistory, sideEffectsDatabase } from '../runtime/runtimeFixture.ts';

/** A section's step list runs on the interpreter like any procedure: plugin steps, on_error, manual confirmations. */
describe('a failover_procedure step list', () => {
  let db: Awaited<ReturnType<typeof sideEffectsDatabase>>;
  before(async () => {
    db = await sideEffectsDatabase('step_list');
  });
  after(async () => {
    await db.drop();
  });

  it('runs action steps, goes on after an `on_error: continue` failure, and waits for an operator to confirm a manual step', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dbarch-steplist-')), 'failover.yaml');
    writeFileSync(path, `apiVersion: dbarch/v1
${deploymentSection(db.name)}procedures:
  roles: { failover_operators: [oncall] }
failover_procedure:
  steps:
    - name: Probe a table that is not there
      action: builtin.sql
      with: { database: ${db.name}, sql: "SELECT * FROM no_such_table" }
      on_error: continue
    - name: Record the promotion
      action: builtin.sql
      with: { database: ${db.name}, sql: "INSERT INTO side_effects (step) VALUES ('promoted')" }
    - name: Tell the operations team
`);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('steplist');
    const plan = await planFor(path, 'dev', 'failover');
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle: WorkflowHandle = temporal.client.workflow.getHandle(workflowId);
      const waiting = await eventually(async () => {
        const status = await handle.query(interpreterMessages.status);
        return status.awaitingApproval ? status : undefined;
      }, 'the manual step to wait for its confirmation');
      expect(waiting.openGates.map((gate) => gate.gate)).to.deep.equal(['tell_the_operations_team']);
      expect(await db.effects()).to.deep.equal(['promoted']);
      await handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'oncall', planHash: plan.hash, comment: 'team told' }] });
      const result = (await handle.result()) as InterpreterResult;
      expect(result.phase).to.equal('succeeded');
      expect(result.steps.probe_a_table_that_is_not_there?.status).to.equal('failed');
      expect(result.steps.probe_a_table_that_is_not_there?.lastError?.code).to.equal('DBA_STEP_SQL');
      expect(result.steps.record_the_promotion?.status).to.equal('succeeded');
      expect(result.approvals.map((a) => [a.gate, a.identity])).to.deep.equal([['tell_the_operations_team', 'oncall']]);
      await recordHistory(handle, 'step-list-continue-on-error');
    });
  });
});
