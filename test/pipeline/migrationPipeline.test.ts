import { expect } from 'chai';
import { recordHistory } from '../runtime/runtimeFixture.ts';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { schemaFingerprint } from '../../activities/migrations/schemaFingerprint.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { query } from '../support/postgres.ts';
import { appliedCounts, pipelineSpec, planPipeline, type PipelineSpec } from './pipelineFixture.ts';

type Handle = ReturnType<Awaited<ReturnType<typeof sharedTemporal>>['client']['workflow']['getHandle']>;

async function awaitingApproval(handle: Handle): Promise<string> {
  return eventually(async () => {
    const status = await handle.query(interpreterMessages.status);
    return status.awaitingApproval ? (status.planHash ?? undefined) : undefined;
  }, 'the production gate to open', 120_000);
}

async function failureOf(handle: Handle): Promise<{ type: string | undefined; result: InterpreterResult }> {
  try {
    await handle.result();
  } catch (error) {
    if (error instanceof WorkflowFailedError && error.cause instanceof ApplicationFailure) {
      return { type: error.cause.type ?? undefined, result: error.cause.details?.[0] as InterpreterResult };
    }
    throw error;
  }
  throw new Error('the workflow succeeded');
}

async function fingerprint(url: string): Promise<string> {
  return (await schemaFingerprint({}, { db: url })).fingerprint;
}

describe('the migration pipeline (dbarch/migration_pipeline)', function () {
  this.timeout(240_000);
  const specs: PipelineSpec[] = [];
  after(async () => {
    for (const spec of specs) await spec.drop();
  });

  it('migrates development without a gate, and production after an approval given by Update as the UI does; records both in the registry', async () => {
    const spec = await pipelineSpec('good', { development: {}, production: { require_approval: true, backup_before_migrate: true, rollback_on_error: 'undo' } });
    specs.push(spec);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('pipeline');
    await withWorker({ taskQueue }, async () => {
      const devPlan = await planPipeline(spec.path, 'development');
      expect(devPlan.skipped.map((s) => s.id)).to.include.members(['approve', 'backup', 'checkpoint.compensate']);
      const dev = await startPlanWorkflow(temporal.client, devPlan, taskQueue);
      const devResult = await temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(dev.workflowId).result();
      expect(devResult.phase).to.equal('succeeded');
      expect(await appliedCounts(spec.url('development'))).to.deep.equal({ '1': 1, '2': 1 });
      const verify = devResult.steps.verify?.output as { matches: boolean; fingerprint: string };
      expect(verify.matches).to.equal(true);
      expect(verify.fingerprint).to.equal(await fingerprint(spec.url('development')));

      const prodPlan = await planPipeline(spec.path, 'production');
      const prod = await startPlanWorkflow(temporal.client, prodPlan, taskQueue);
      const handle = temporal.client.workflow.getHandle(prod.workflowId);
      const planHash = await awaitingApproval(handle);
      const status = await handle.query(interpreterMessages.status);
      const report = status.steps.report?.output as { pending: { script: string; sql: string }[]; staging: { fingerprint: string } };
      expect(report.pending.map((p) => p.script)).to.deep.equal(['V1__create_items.sql', 'V2__create_orders.sql']);
      expect(report.pending[0]?.sql).to.include('CREATE TABLE items');
      expect(await query(spec.url('production'), `SELECT 1 FROM pg_tables WHERE tablename = 'items'`), 'nothing applied before the approval').to.have.length(0);

      // The Temporal UI's "Send update" with name `approve` and this JSON is the same call.
      const record = await handle.executeUpdate('approve', { args: [{ identity: 'dba', planHash, comment: 'reviewed the report' }] });
      expect(record).to.include({ gate: 'approve', identity: 'dba', via: 'update' });
      const result = (await handle.result()) as InterpreterResult;
      expect(result.phase).to.equal('succeeded');
      await recordHistory(handle, 'migration-pipeline-approved');
      expect((result.steps.backup?.output as { backupId: string }).backupId).to.be.a('string');
      expect(await appliedCounts(spec.url('production'))).to.deep.equal({ '1': 1, '2': 1 });
      const registry = await query<{ environment: string; version: string; fingerprint: string; approver: string | null; workflow_id: string }>(
        serviceUrls().postgres,
        'SELECT environment, version, fingerprint, approver, workflow_id FROM dbarch.schema_registry WHERE workflow_id = ANY($1) ORDER BY id',
        [[dev.workflowId, prod.workflowId]],
      );
      expect(registry.map((r) => [r.environment, r.version, r.approver])).to.deep.equal([
        ['development', '2', null],
        ['production', '2', 'dba'],
      ]);
      expect(registry[1]?.fingerprint).to.equal(report.staging.fingerprint);
    });
  });

  it('approves from the CLI (`dbarch approve`) and by the approveSignal the UI can send', async () => {
    const spec = await pipelineSpec('good', { production: { require_approval: true }, qa: { require_approval: true } });
    specs.push(spec);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('pipeline-gate');
    await withWorker({ taskQueue }, async () => {
      const prod = await startPlanWorkflow(temporal.client, await planPipeline(spec.path, 'production'), taskQueue);
      const qa = await startPlanWorkflow(temporal.client, await planPipeline(spec.path, 'qa'), taskQueue);
      const prodHandle = temporal.client.workflow.getHandle(prod.workflowId);
      const qaHandle = temporal.client.workflow.getHandle(qa.workflowId);
      await awaitingApproval(prodHandle);
      const qaHash = await awaitingApproval(qaHandle);

      const cli = spawnTs('bin/dbarch.js', ['approve', prod.workflowId, '--as', 'alice', '--yes', '--comment', 'ok'], { TEMPORAL_ADDRESS: temporal.address });
      expect(await cli.exited, cli.output()).to.equal(0);
      expect(cli.output()).to.include(`Approved gate approve of ${prod.workflowId} as alice`);

      await qaHandle.signal('approveSignal', { identity: 'dba', planHash: qaHash });
      expect(((await prodHandle.result()) as InterpreterResult).phase).to.equal('succeeded');
      const qaResult = (await qaHandle.result()) as InterpreterResult;
      expect(qaResult.approvals.map((a) => [a.identity, a.via])).to.deep.equal([['dba', 'signal']]);
      const approvers = await query<{ approver: string }>(serviceUrls().postgres, 'SELECT approver FROM dbarch.schema_registry WHERE workflow_id = ANY($1) ORDER BY environment', [[prod.workflowId, qa.workflowId]]);
      expect(approvers.map((r) => r.approver)).to.deep.equal(['alice', 'dba']);
    });
  });

  for (const mode of ['undo', 'restore'] as const) {
    it(`a failing production migration with rollback_on_error: ${mode} leaves the database at its pre-migration fingerprint, and says so`, async () => {
      const spec = await pipelineSpec('failing', { production: { require_approval: true, backup_before_migrate: mode === 'restore', rollback_on_error: mode } });
      specs.push(spec);
      const url = spec.url('production');
      // Production already has V1 and a row that V3's CHECK rejects; the empty scratch copy does not.
      await query(url, `CREATE SCHEMA dbarch_history`);
      const { applyMigrations } = await import('../../activities/migrations/applyMigrations.ts');
      await applyMigrations({ source: { dir: spec.migrations }, target: '1' }, { db: url });
      await query(url, 'INSERT INTO items (qty) VALUES (0)');
      const before = await fingerprint(url);

      const temporal = await sharedTemporal();
      const taskQueue = uniqueTaskQueue(`pipeline-${mode}`);
      await withWorker({ taskQueue }, async () => {
        const started = await startPlanWorkflow(temporal.client, await planPipeline(spec.path, 'production'), taskQueue);
        const handle = temporal.client.workflow.getHandle(started.workflowId);
        const planHash = await awaitingApproval(handle);
        await handle.executeUpdate('approve', { args: [{ identity: 'dba', planHash }] });
        const { type, result } = await failureOf(handle);
        expect(type).to.equal('DBA_STEP_FAILED');
        expect(result.phase).to.equal('failed');
        expect(result.steps.apply?.lastError?.code).to.equal('DBA_MIGRATION_FAILED');
        expect(result.steps.apply?.attempts, 'a permanent SQL error is not retried').to.equal(1);
        const checkpoint = result.steps.checkpoint;
        expect(checkpoint?.status).to.equal('compensated');
        const rollback = checkpoint?.compensation?.output as { mode: string; atPreMigrationFingerprint: boolean; undone?: string[]; restoredBackup?: string; fingerprintAfter: string };
        expect(rollback.mode).to.equal(mode);
        expect(rollback.atPreMigrationFingerprint).to.equal(true);
        if (mode === 'undo') expect(rollback.undone).to.deep.equal(['U2__create_orders.sql']);
        else expect(rollback.restoredBackup).to.be.a('string');
      });
      expect(await fingerprint(url)).to.equal(before);
      expect(await query(url, 'SELECT qty FROM items')).to.deep.equal([{ qty: 0 }]);
      expect(await query(url, `SELECT 1 FROM pg_tables WHERE tablename = 'orders'`)).to.have.length(0);
    });
  }
});
