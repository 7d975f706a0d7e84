import { expect } from 'chai';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { query } from '../support/postgres.ts';
import { appliedCounts, pipelineSpec, planPipeline, type PipelineSpec } from './pipelineFixture.ts';

describe('the migration pipeline with its worker SIGKILLed during apply', function () {
  this.timeout(240_000);
  const children: Child[] = [];
  let spec: PipelineSpec | undefined;
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await spec?.drop();
  });

  function startWorker(taskQueue: string, address: string): Child {
    const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
    children.push(child);
    return child;
  }

  it('resumes on another worker and applies each migration once', async () => {
    spec = await pipelineSpec('slow', { development: {} });
    const url = spec.url('development');
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('pipeline-kill');
    const first = startWorker(taskQueue, temporal.address);
    await first.waitForLine(/worker started/);
    const { workflowId } = await startPlanWorkflow(temporal.client, await planPipeline(spec.path, 'development'), taskQueue);
    const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);

    const database = spec.databases.development;
    await eventually(async () => {
      const rows = await query(url, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`, [database]);
      return rows.length > 0 ? true : undefined;
    }, 'V2 to be sleeping inside its transaction on the target', 120_000);
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    await eventually(async () => {
      const rows = await query(url, `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()`, [database]);
      return rows.length === 0 ? true : undefined;
    }, 'the killed attempt to be rolled back');
    expect(await appliedCounts(url), 'V1 committed before the kill, V2 rolled back').to.deep.equal({ '1': 1 });
    await query(url, 'INSERT INTO items (qty) VALUES (-42)');

    startWorker(taskQueue, temporal.address);
    const result = await handle.result();
    expect(result.phase).to.equal('succeeded');
    expect(result.steps.apply?.attempts, 'apply was retried after the kill').to.be.greaterThan(1);
    expect(await appliedCounts(url)).to.deep.equal({ '1': 1, '2': 1 });
    expect((result.steps.verify?.output as { matches: boolean }).matches).to.equal(true);
  });
});
