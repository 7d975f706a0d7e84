import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { freshDatabase, type TestDatabase } from '../support/postgres.ts';
import { deploymentSection } from '../support/deploymentSection.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { planFor, recordHistory } from './runtimeFixture.ts';

/**
 * The blue-green watch is the long step whose window must survive a dead worker: each check is counted in green
 * (the health query inserts a row and answers false, so no routing is needed), the worker is SIGKILLed mid-window,
 * and the next attempt must continue from the last heartbeat instead of watching the whole window again.
 */
describe('a long step killed mid-attempt', () => {
  const children: Child[] = [];
  let blue: TestDatabase;
  let green: TestDatabase;
  let client: pg.Client;
  before(async () => {
    [blue, green] = await Promise.all([freshDatabase('resume_blue'), freshDatabase('resume_green')]);
    client = new pg.Client({ connectionString: green.url });
    await client.connect();
    await client.query('CREATE TABLE watch_checks (n serial PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())');
  });
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await client.end();
    await Promise.all([blue.drop(), green.drop()]);
  });

  const checks = async () => Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM watch_checks')).rows[0]?.n ?? 0);

  function startWorker(taskQueue: string, address: string): Child {
    const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
    children.push(child);
    return child;
  }

  it('resumes the blue-green watch window from its heartbeat details on the next attempt, which knows its real attempt number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbarch-resume-'));
    const path = join(dir, 'watch.yaml');
    writeFileSync(path, `apiVersion: dbarch/v1
${deploymentSection(blue.name)}blue_green:
  current: ${blue.name}
  standby: ${green.name}
  deployment_steps: "1. Watch green"
  monitor:
    duration: 8s
    interval: 400ms
    max_failures: 1000
    health_query: "WITH c AS (INSERT INTO watch_checks DEFAULT VALUES RETURNING n) SELECT false FROM c"
procedures:
  definitions:
    watch:
      steps:
        - { id: watch, uses: blue_green/watch_green, heartbeat_timeout: 2s }
`);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('resume');
    const plan = await planFor(path, 'dev', 'watch');
    const first = startWorker(taskQueue, temporal.address);
    await first.waitForLine(/worker started/);
    const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
    const handle = temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId);

    await eventually(async () => ((await checks()) >= 5 ? true : undefined), 'the watch to have made five checks');
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    const beforeKill = await checks();

    const second = startWorker(taskQueue, temporal.address);
    // The retried attempt's step log carries attempt 2: the interpreter's count, not Temporal's per-activity 1.
    await second.waitForLine(/"step":"watch".*"attempt":2|"attempt":2.*"step":"watch"/);
    const result = await handle.result();
    const watch = result.steps.watch;
    expect(result.phase).to.equal('succeeded');
    expect(watch?.attempts).to.equal(2);
    expect(watch?.lastError?.code).to.equal('TIMEOUT_HEARTBEAT');
    const output = watch?.output as { checks: number; resumedChecks: number; watchedMs: number };
    // It continued: the checks before the kill count (at most one of them after the last heartbeat is lost),
    // and the window was not watched again from zero.
    expect(output.resumedChecks).to.be.within(beforeKill - 2, beforeKill);
    const total = await checks();
    expect(output.checks).to.be.within(total - 2, total);
    expect(output.watchedMs).to.be.at.least(8000);
    await recordHistory(handle, 'long-step-resumed-after-kill');
    second.process.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
  });
});
