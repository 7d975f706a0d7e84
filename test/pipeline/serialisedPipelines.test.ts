import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import type { LeaseGrant } from '../../plugins/migrations/environmentLease.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult, InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { query } from '../support/postgres.ts';
import { appliedCounts, pipelineSpec, planPipeline, type PipelineSpec } from './pipelineFixture.ts';

type Temporal = Awaited<ReturnType<typeof sharedTemporal>>;
type Handle = ReturnType<Temporal['client']['workflow']['getHandle']>;

/** The same spec at a later commit: a copy of its directory with more migration files. */
function nextCommit(spec: PipelineSpec, files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbarch-commit-'));
  cpSync(spec.dir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, 'migrations', name), sql);
  return join(dir, 'spec.yaml');
}

const status = (handle: Handle): Promise<InterpreterStatus> => handle.query(interpreterMessages.status);

async function awaitingApproval(handle: Handle): Promise<string> {
  return eventually(async () => {
    const s = await status(handle);
    return s.awaitingApproval ? (s.planHash ?? undefined) : undefined;
  }, `${handle.workflowId} to reach its gate`, 120_000);
}

/** Resolves once the pipeline waits in acquire_environment (with `attempts` attempts so far) and nothing after it started. */
async function waitingForLease(handle: Handle, attempts = 1): Promise<InterpreterStatus> {
  return eventually(async () => {
    const s = await status(handle);
    const acquire = s.steps.acquire_environment;
    return acquire?.status === 'running' && acquire.attempts >= attempts ? s : undefined;
  }, `${handle.workflowId} to wait for the lease`, 120_000);
}

async function leaseRows(database: string): Promise<[string, boolean][]> {
  const rows = await query<{ workflow_id: string; held: boolean }>(
    serviceUrls().postgres,
    `SELECT workflow_id, acquired_at IS NOT NULL AS held FROM dbarch.environment_leases WHERE environment = 'production' AND database = $1 ORDER BY ticket`,
    [database],
  );
  return rows.map((r) => [r.workflow_id, r.held]);
}

describe('migration pipelines of one environment run one at a time (dbarch/migration_pipeline)', function () {
  this.timeout(300_000);
  const specs: PipelineSpec[] = [];
  const children: Child[] = [];
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    for (const spec of specs) await spec.drop();
  });

  it('a later commit waits for the earlier pipeline, through a worker kill, and both verify', async () => {
    const spec = await pipelineSpec('good', { production: { require_approval: true } });
    specs.push(spec);
    const database = spec.databases.production ?? '';
    const later = nextCommit(spec, { 'V3__add_note.sql': 'ALTER TABLE orders ADD COLUMN note text;\n' });
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('pipeline-serial');
    const tag = randomBytes(4).toString('hex');
    const startWorker = () => {
      const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue });
      children.push(child);
      return child;
    };
    const first = startWorker();
    await first.waitForLine(/worker started/);

    const a = await startPlanWorkflow(temporal.client, await planPipeline(spec.path, 'production'), taskQueue, `migrate:production:a-${tag}`);
    const aHandle = temporal.client.workflow.getHandle(a.workflowId);
    const aHash = await awaitingApproval(aHandle);
    const b = await startPlanWorkflow(temporal.client, await planPipeline(later, 'production'), taskQueue, `migrate:production:b-${tag}`);
    const bHandle = temporal.client.workflow.getHandle(b.workflowId);
    const waiting = await waitingForLease(bHandle);
    expect(waiting.steps.lint?.status ?? 'pending', 'nothing of the later pipeline runs while the earlier one holds the lease').to.equal('pending');
    expect(await leaseRows(database)).to.deep.equal([
      [a.workflowId, true],
      [b.workflowId, false],
    ]);

    // The lease is data: the waiting step is retried on the next worker and keeps its place.
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    startWorker();
    const retried = await waitingForLease(bHandle, 2);
    expect(retried.steps.lint?.status ?? 'pending').to.equal('pending');
    expect(await leaseRows(database)).to.deep.equal([
      [a.workflowId, true],
      [b.workflowId, false],
    ]);

    await aHandle.executeUpdate('approve', { args: [{ identity: 'dba', planHash: aHash }] });
    const aResult = (await aHandle.result()) as InterpreterResult;
    expect(aResult.phase).to.equal('succeeded');
    expect((aResult.steps.verify?.output as { matches: boolean }).matches, 'the later commit did not change the schema under the earlier run').to.equal(true);
    expect(aResult.steps.release_environment?.output).to.deep.include({ released: true });

    const bHash = await awaitingApproval(bHandle);
    const bStatus = await status(bHandle);
    expect((bStatus.steps.acquire_environment?.output as LeaseGrant).waitedFor).to.deep.equal([a.workflowId]);
    expect(bStatus.steps.acquire_environment?.attempts, 'the wait was retried after the kill').to.be.greaterThan(1);
    expect((bStatus.steps.report?.output as { pending: { script: string }[] }).pending.map((p) => p.script), 'planned against what the earlier run left').to.deep.equal(['V3__add_note.sql']);
    await bHandle.executeUpdate('approve', { args: [{ identity: 'dba', planHash: bHash }] });
    const bResult = (await bHandle.result()) as InterpreterResult;
    expect(bResult.phase).to.equal('succeeded');
    expect((bResult.steps.verify?.output as { matches: boolean }).matches).to.equal(true);

    expect(await appliedCounts(spec.url('production'))).to.deep.equal({ '1': 1, '2': 1, '3': 1 });
    expect(await leaseRows(database)).to.deep.equal([]);
  });

  it('a rejected pipeline gives the lease back by its compensation; a terminated one has it taken over', async () => {
    const spec = await pipelineSpec('good', { production: { require_approval: true } });
    specs.push(spec);
    const database = spec.databases.production ?? '';
    const later = nextCommit(spec, { 'V3__add_note.sql': 'ALTER TABLE orders ADD COLUMN note text;\n' });
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('pipeline-lease');
    const tag = randomBytes(4).toString('hex');
    await withWorker({ taskQueue }, async () => {
      const start = async (name: string, path: string) => {
        const started = await startPlanWorkflow(temporal.client, await planPipeline(path, 'production'), taskQueue, `migrate:production:${name}-${tag}`);
        return temporal.client.workflow.getHandle(started.workflowId);
      };
      const a = await start('a', spec.path);
      const aHash = await awaitingApproval(a);
      const b = await start('b', later);
      await waitingForLease(b);
      const c = await start('c', later);
      await waitingForLease(c);
      expect(await leaseRows(database)).to.deep.equal([
        [a.workflowId, true],
        [b.workflowId, false],
        [c.workflowId, false],
      ]);

      await a.executeUpdate('reject', { args: [{ identity: 'dba', planHash: aHash, comment: 'not today' }] });
      const aFailure = await a.result().then(
        () => 'succeeded',
        () => 'failed',
      );
      expect(aFailure).to.equal('failed');
      expect((await status(a)).steps.acquire_environment?.status, 'released by its compensation').to.equal('compensated');

      await awaitingApproval(b);
      const bGrant = (await status(b)).steps.acquire_environment?.output as LeaseGrant;
      expect(bGrant).to.deep.include({ waitedFor: [a.workflowId], tookOverFrom: [] });
      expect((await status(c)).steps.acquire_environment?.status, 'C still waits, behind B').to.equal('running');

      await b.terminate('the operator killed it'); // no compensation runs: its lease stays behind
      const cHash = await awaitingApproval(c);
      const cGrant = (await status(c)).steps.acquire_environment?.output as LeaseGrant;
      expect(cGrant.tookOverFrom).to.deep.equal([b.workflowId]);
      expect(cGrant.waitedFor).to.deep.equal([a.workflowId, b.workflowId]);
      await c.executeUpdate('approve', { args: [{ identity: 'dba', planHash: cHash }] });
      expect(((await c.result()) as InterpreterResult).phase).to.equal('succeeded');
    });
    expect(await appliedCounts(spec.url('production'))).to.deep.equal({ '1': 1, '2': 1, '3': 1 });
    expect(await leaseRows(database)).to.deep.equal([]);
  });
});
