import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { securityDiffOfSpec, securityWorkflowId } from '../../app/securityDiffOfSpec.ts';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { runCli } from '../cli/runCli.ts';
import { eventually } from '../support/childProcess.ts';
import { freshDatabase, query, type TestDatabase } from '../support/postgres.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { dropRoles, rolePrefix } from './securityRoles.ts';

/** `dbarch security plan` shows the diff and drift; apply runs dbarch/security as a workflow, approved first in a protected environment. */
describe('security: dbarch security plan and apply', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let spec: string;
  const p = rolePrefix();

  before(async () => {
    db = await freshDatabase('security_apply');
    await query(db.url, 'CREATE TABLE accounts (id serial PRIMARY KEY, user_id text NOT NULL)');
    spec = path.join(mkdtempSync(path.join(tmpdir(), 'dbarch-security-')), 'spec.yaml');
    writeFileSync(spec, `apiVersion: dbarch/v1
deployment_config:
  source_control: github
  repository: schemas
  environments:
    - { name: prod, database: ${db.name}, protected: true }
procedures:
  roles: { security_approvers: [oncall] }
security_config:
  authorization:
    model: RBAC
    roles:
      - { name: ${p}read_only, permissions: [SELECT], members: [${p}reporting] }
      - name: ${p}application
        permissions: [SELECT, INSERT, UPDATE, DELETE]
        restrictions: [no_ddl, no_truncate]
        members: [${p}orders_service]
  row_level_security:
    tables:
      - table: accounts
        policies:
          - { name: user_isolation, using: "user_id = current_user_id()" }
`);
  });
  after(async () => {
    await db?.drop();
    await dropRoles(p);
  });

  it('prints the diff (text and JSON) and changes nothing', async () => {
    const text = await runCli(['security', 'plan', spec, '--env', 'prod']);
    expect(text.code, text.output).to.equal(0);
    expect(text.output).to.include(`+ CREATE ROLE "${p}application" NOLOGIN`);
    expect(text.output).to.include('+ ALTER TABLE "public"."accounts" FORCE ROW LEVEL SECURITY');
    const json = await runCli(['security', 'plan', spec, '--env', 'prod', '--format', 'json']);
    const report = JSON.parse(json.output) as { changes: { sql: string; drift: boolean }[]; drift: number };
    expect(report.drift).to.equal(0);
    expect(report.changes.map((c) => c.sql)).to.include(`GRANT "${p}application" TO "${p}orders_service"`);
    expect(await query(db.url, 'SELECT 1 FROM pg_roles WHERE starts_with(rolname, $1)', [p])).to.have.length(0);
  });

  it('applies through the workflow only after the approval of the protected environment, then shows drift and revokes it', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('security');
    await withWorker({ taskQueue }, async () => {
      const run = async (approve: boolean) => {
        const diff = await securityDiffOfSpec([spec], 'prod');
        const { workflowId } = await startPlanWorkflow(temporal.client, diff.plan, taskQueue, securityWorkflowId(diff));
        const handle: WorkflowHandle = temporal.client.workflow.getHandle(workflowId);
        await eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the approval gate');
        expect(await query(db.url, `SELECT 1 FROM pg_roles WHERE rolname = $1`, [`${p}application`]), 'nothing applied before the approval').to.have.length(diff.report.changes.some((c) => c.sql.startsWith('CREATE ROLE')) ? 0 : 1);
        if (approve) await handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'oncall', planHash: diff.plan.hash, comment: 'reviewed' }] });
        return { diff, result: (await handle.result()) as InterpreterResult };
      };
      const first = await run(true);
      expect(first.result.phase).to.equal('succeeded');
      expect(first.result.approvals.map((a) => [a.gate, a.identity])).to.deep.equal([['approve', 'oncall']]);
      expect((await securityDiffOfSpec([spec], 'prod')).report.changes).to.deep.equal([]);

      await query(db.url, `GRANT DELETE ON accounts TO "${p}read_only"`);
      const plan = await runCli(['security', 'plan', spec, '--env', 'prod']);
      expect(plan.output).to.include(`- drift REVOKE DELETE ON TABLE "public"."accounts" FROM "${p}read_only"`);
      // `dbarch plan` shows the same drift under the plan of any procedure (the capability's live inspection).
      const generic = await runCli(['plan', spec, '--env', 'prod', '--procedure', 'security']);
      expect(generic.output).to.include('Live state').and.include('1 of them revoking drift');
      expect(generic.output).to.include(`- revoke REVOKE DELETE ON TABLE "public"."accounts" FROM "${p}read_only": extra`);
      const second = await run(true);
      expect(second.diff.report.drift).to.equal(1);
      expect(second.result.phase).to.equal('succeeded');
      expect(await query(db.url, `SELECT 1 FROM information_schema.role_table_grants WHERE grantee = $1 AND privilege_type = 'DELETE'`, [`${p}read_only`])).to.have.length(0);

      // The CLI verb: nothing to change starts nothing; a drift starts security:<env>:<digest>, applied once approved.
      const idle = await runCli(['security', 'apply', spec, '--env', 'prod', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });
      expect(JSON.parse(idle.output)).to.deep.equal({ changes: [] });
      await query(db.url, `GRANT UPDATE ON accounts TO "${p}read_only"`);
      const started = await runCli(['security', 'apply', spec, '--env', 'prod', '--format', 'json'], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });
      expect(started.code, started.output).to.equal(0);
      const { workflowId } = JSON.parse(started.output) as { workflowId: string };
      expect(workflowId).to.match(/^security:prod:[0-9a-f]{16}$/);
      const handle: WorkflowHandle = temporal.client.workflow.getHandle(workflowId);
      await eventually(async () => ((await handle.query(interpreterMessages.status)).awaitingApproval ? true : undefined), 'the approval gate');
      const planHash = (await securityDiffOfSpec([spec], 'prod')).plan.hash;
      await handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'oncall', planHash, comment: 'reviewed' }] });
      expect(((await handle.result()) as InterpreterResult).phase).to.equal('succeeded');
      expect((await securityDiffOfSpec([spec], 'prod')).report.changes).to.deep.equal([]);
    });
  });
});
