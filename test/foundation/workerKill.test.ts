import { expect } from 'chai';
import pg from 'pg';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { smokeWorkflow } from '../../workflows/smokeWorkflow.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';

describe('a worker killed mid-activity', () => {
  const children: Child[] = [];
  let db: pg.Client;

  before(async () => {
    db = new pg.Client({ connectionString: serviceUrls().postgres });
    await db.connect();
  });
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await db.end();
  });

  function startWorker(taskQueue: string, address: string): Child {
    const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info' });
    children.push(child);
    return child;
  }

  const recorded = async (workflowId: string) =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM dbarch.smoke_runs WHERE workflow_id = $1', [workflowId])).rows[0]?.n);

  it('is replaced by a new worker that finishes the workflow, and the side effect happens once', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('kill');
    const workflowId = `smoke-${taskQueue}`;

    const first = startWorker(taskQueue, temporal.address);
    await first.waitForLine(/worker started/);
    const handle = await temporal.client.workflow.start(smokeWorkflow, { taskQueue, workflowId, args: [{ holdMs: 60_000 }] });

    // The first attempt has inserted its row and sits in pg_sleep inside the still-open transaction.
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT pid FROM pg_stat_activity WHERE application_name = 'dbarch:step' AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`,
      );
      return rows.length > 0 ? true : undefined;
    }, 'the recording activity to be inside its transaction');
    first.process.kill('SIGKILL');
    expect(await first.exited).to.equal('SIGKILL');
    await eventually(async () => ((await recorded(workflowId)) === 0 ? true : undefined), 'nothing committed by the killed attempt');

    const second = startWorker(taskQueue, temporal.address);
    const result = await handle.result();
    expect(result.inserted).to.equal(true);
    expect(await recorded(workflowId)).to.equal(1);

    const history = await handle.fetchHistory();
    const attempts = (history.events ?? [])
      .filter((event) => event.activityTaskStartedEventAttributes)
      .map((event) => event.activityTaskStartedEventAttributes?.attempt ?? 0);
    expect(Math.max(...attempts), 'the recording was retried after the kill').to.be.greaterThan(1);

    second.process.kill('SIGTERM');
    expect(await second.exited, 'graceful shutdown on SIGTERM').to.equal(0);
    expect(second.output()).to.match(/worker stopped/);
  });
});
