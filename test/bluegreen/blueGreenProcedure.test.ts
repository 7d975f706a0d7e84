import { expect } from 'chai';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import type { Plan } from '../../plan/Plan.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult, InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { planFor, recordHistory } from '../runtime/runtimeFixture.ts';
import { eventually, spawnTs } from '../support/childProcess.ts';
import { startPgCluster, type PgCluster } from '../support/pgCluster.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { deploymentSpec, listenForRouting, newDeployment, query, replicationLeftovers, routingOf, type Deployment } from './blueGreenFixture.ts';
import { startOrdersWriter } from '../support/startOrdersWriter.ts';

type Handle = WorkflowHandle<(input: unknown) => Promise<InterpreterResult>>;

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : error;
    if (cause instanceof ApplicationFailure) return cause;
    throw error;
  }
  throw new Error('expected the workflow to fail');
}

const statusWhen = (handle: Handle, what: string, holds: (status: InterpreterStatus) => boolean) =>
  eventually(async () => {
    const status = await handle.query(interpreterMessages.status);
    return holds(status) ? status : undefined;
  }, what, 120_000);

const stepStatuses = (result: InterpreterResult) => Object.fromEntries(Object.entries(result.steps).map(([id, step]) => [id, step.status]));

describe('blue-green deployment as a procedure, on two clusters', function () {
  this.timeout(180_000);
  let blue: PgCluster;
  let green: PgCluster;
  const saved = { blue: process.env.DBARCH_TEST_BLUE_URL, green: process.env.DBARCH_TEST_GREEN_URL };

  before(async () => {
    [blue, green] = await Promise.all([startPgCluster({ label: 'bg-blue' }), startPgCluster({ label: 'bg-green' })]);
    // The spec names connection references; the in-process worker resolves them from its environment.
    process.env.DBARCH_TEST_BLUE_URL = blue.url;
    process.env.DBARCH_TEST_GREEN_URL = green.url;
  });
  after(async () => {
    process.env.DBARCH_TEST_BLUE_URL = saved.blue;
    process.env.DBARCH_TEST_GREEN_URL = saved.green;
    await Promise.all([blue?.stop(), green?.stop()]);
  });

  /** Starts the deployment with writes flowing on blue; they stop once green has caught up (the cut-over). */
  async function deployUnderWrites(deployment: Deployment, start: () => Promise<string>): Promise<{ handle: Handle; written: Promise<number> }> {
    const temporal = await sharedTemporal();
    const writer = startOrdersWriter(deployment.blueUrl);
    const workflowId = await start().catch(async (error: unknown) => {
      await writer.stop();
      throw error;
    });
    const handle: Handle = temporal.client.workflow.getHandle(workflowId);
    const written = statusWhen(handle, 'green to catch up', (status) => status.steps.catch_up?.status === 'succeeded').then(() => writer.stop(), async (error: unknown) => {
      await writer.stop();
      throw error;
    });
    return { handle, written };
  }

  const startPlan = (plan: Plan, taskQueue: string) => async () => {
    const temporal = await sharedTemporal();
    return (await startPlanWorkflow(temporal.client, plan, taskQueue)).workflowId;
  };

  async function cli(args: string[], taskQueue: string): Promise<{ code: number | string; output: string }> {
    const temporal = await sharedTemporal();
    const child = spawnTs('bin/dbarch.js', args, { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'warn' });
    const code = await child.exited;
    return { code, output: child.output() };
  }

  async function expectSameOrders(deployment: Deployment, expected: number): Promise<void> {
    const [onBlue] = await query<{ n: number }>(deployment.blueUrl, 'SELECT count(*)::int AS n FROM app.orders');
    const [onGreen] = await query<{ n: number }>(deployment.greenUrl, 'SELECT count(*)::int AS n FROM app.orders');
    expect(onBlue?.n).to.equal(expected);
    expect(onGreen?.n).to.equal(expected);
  }

  it('migrates green, replicates under writes, verifies, switches, watches, and retires blue when the rollback window times out', async () => {
    const deployment = await newDeployment(blue, green);
    // The unforked shipped procedure: its gate reads blue_green.rollback_window.
    const plan = await planFor(deploymentSpec(deployment, { window: '1s' }), 'dev', 'blue_green');
    expect(plan.procedure).to.equal('dbarch/blue_green');
    const routing = await listenForRouting(deployment.service);
    const taskQueue = uniqueTaskQueue('bg-e2e');
    try {
      await withWorker({ taskQueue }, async () => {
        const started = Date.now();
        const { handle, written } = await deployUnderWrites(deployment, startPlan(plan, taskQueue));
        const result = await handle.result();
        await recordHistory(handle, 'blue-green-window-timed-out');
        console.log(`      deployment with a 1 s window and a 1 s watch took ${Date.now() - started} ms`);
        const rows = 2000 + (await written);
        expect(await written).to.be.greaterThan(0);

        expect(result.phase).to.equal('succeeded');
        expect(stepStatuses(result)).to.deep.equal({
          migrate_green: 'succeeded',
          replicate: 'succeeded',
          catch_up: 'succeeded',
          verify: 'succeeded',
          sync_sequences: 'succeeded',
          switch_traffic: 'succeeded',
          monitor: 'succeeded',
          rollback_window: 'succeeded',
          retire_blue: 'succeeded',
        });
        expect((result.steps.migrate_green?.output as { applied: { script: string }[] }).applied.map((a) => a.script)).to.deep.equal(['V1__app_schema.sql', 'V2__orders_discount.sql']);
        const verified = result.steps.verify?.output as { tables: { table: string; blueRows: number; greenRows: number }[]; addedColumns: string[] };
        expect(verified.tables.find((t) => t.table === 'app.customers')).to.deep.equal({ table: 'app.customers', blueRows: 100, greenRows: 100 });
        expect(verified.addedColumns).to.deep.equal(['app.orders.discount']);
        expect(result.steps.switch_traffic?.output).to.deep.include({ activeColor: 'green', previousColor: 'blue', version: 1, changed: true });
        expect((result.steps.monitor?.output as { checks: number; failures: number }).failures).to.equal(0);
        expect(result.approvals.map((a) => [a.gate, a.identity, a.decision, a.via])).to.deep.equal([['rollback_window', 'timeout', 'approve', 'timeout']]);
        expect((result.steps.retire_blue?.output as { dropped: object }).dropped).to.deep.include({ subscription: true, slot: true, publication: true });

        expect(await routingOf(deployment)).to.deep.equal({ active_color: 'green', version: '1' });
        await eventually(() => Promise.resolve(routing.notifications.length >= 1 ? true : undefined), 'the routing notification');
        expect(routing.notifications).to.deep.equal([{ service: deployment.service, database: deployment.database, activeColor: 'green', version: 1 }]);
        expect(await replicationLeftovers(deployment)).to.deep.equal({ slots: [], publications: [], subscriptions: [] });
        // Every order written on blue, during the deployment too, is on green, which has the migrated schema.
        await expectSameOrders(deployment, rows);
        expect(await query(deployment.greenUrl, `SELECT count(*)::int AS n FROM app.orders WHERE discount IS NULL`)).to.deep.equal([{ n: rows }]);
      });
    } finally {
      await routing.close();
    }
  });

  it('switches back to blue when a person rejects during the rollback window (the UI\'s Update)', async () => {
    const deployment = await newDeployment(blue, green);
    // A fork of the procedure: forking stays possible, and its gate's own timeout is what the plan keeps.
    const plan = await planFor(deploymentSpec(deployment, { window: '1h', fork: true }), 'dev', 'blue_green');
    expect(plan.procedure).to.equal('blue_green');
    const routing = await listenForRouting(deployment.service);
    const taskQueue = uniqueTaskQueue('bg-reject');
    try {
      await withWorker({ taskQueue }, async () => {
        const { handle, written } = await deployUnderWrites(deployment, startPlan(plan, taskQueue));
        const waiting = await statusWhen(handle, 'the rollback window', (status) => status.awaitingApproval);
        expect(waiting.openGates.map((gate) => [gate.gate, gate.onTimeout])).to.deep.equal([['rollback_window', 'approve']]);
        expect(await routingOf(deployment)).to.deep.equal({ active_color: 'green', version: '1' });

        const record = await handle.executeUpdate(interpreterMessages.reject, { args: [{ identity: 'alice', planHash: plan.hash, comment: 'errors on checkout, roll back' }] });
        expect(record).to.include({ gate: 'rollback_window', decision: 'reject', identity: 'alice', via: 'update' });
        await expectRolledBack(handle, deployment, routing.notifications, 2000 + (await written));
      });
    } finally {
      await routing.close();
    }
  });

  it('is started by `dbarch apply --procedure blue_green` and switches back to blue on `dbarch reject` during the rollback window', async () => {
    const deployment = await newDeployment(blue, green);
    const path = deploymentSpec(deployment, { window: '1h' });
    const routing = await listenForRouting(deployment.service);
    const taskQueue = uniqueTaskQueue('bg-cli');
    try {
      await withWorker({ taskQueue }, async () => {
        const { handle, written } = await deployUnderWrites(deployment, async () => {
          const applied = await cli(['apply', path, '--env', 'dev', '--procedure', 'blue_green', '--format', 'json'], taskQueue);
          expect(applied.code, applied.output).to.equal(0);
          return (JSON.parse(applied.output.trim().split('\n').at(-1) ?? '{}') as { workflowId: string }).workflowId;
        });
        expect(handle.workflowId).to.match(/^blue-green:dev:dbarch\/blue_green:[0-9a-f]{16}$/);
        await statusWhen(handle, 'the rollback window', (status) => status.awaitingApproval);
        const status = await cli(['status', handle.workflowId, '--format', 'json'], taskQueue);
        expect(JSON.parse(status.output.trim().split('\n').at(-1) ?? '{}')).to.deep.include({ phase: 'awaiting-approval', awaitingApproval: true });
        const rejected = await cli(['reject', handle.workflowId, '--as', 'alice', '--comment', 'roll back'], taskQueue);
        expect(rejected.code, rejected.output).to.equal(0);
        await expectRolledBack(handle, deployment, routing.notifications, 2000 + (await written));
      });
    } finally {
      await routing.close();
    }
  });

  it('switches back to blue when green fails the watch after the switch', async () => {
    const deployment = await newDeployment(blue, green);
    const monitor = { duration: '1h', interval: '200ms', health_query: `SELECT count(*) = 0 FROM app.orders WHERE total < 0`, max_failures: 1 };
    const plan = await planFor(deploymentSpec(deployment, { window: '1h', monitor }), 'dev', 'blue_green');
    const taskQueue = uniqueTaskQueue('bg-watch');
    const temporal = await sharedTemporal();
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const handle: Handle = temporal.client.workflow.getHandle(workflowId);
      await statusWhen(handle, 'the watch', (status) => status.steps.monitor?.status === 'running');
      expect(await routingOf(deployment)).to.deep.equal({ active_color: 'green', version: '1' });
      // Green starts writing bad rows: the health query turns false.
      await query(deployment.greenUrl, `INSERT INTO app.orders (customer_id, total) VALUES (1, -1)`);
      const failure = await failureOf(handle.result());
      expect(failure.type).to.equal('DBA_STEP_FAILED');
      const result = failure.details?.[0] as InterpreterResult;
      expect(result.steps.monitor?.status).to.equal('failed');
      expect(result.steps.monitor?.lastError?.code).to.equal('DBA_BLUEGREEN_UNHEALTHY');
      expect(result.steps.switch_traffic?.status).to.equal('compensated');
      expect(result.steps.rollback_window).to.equal(undefined);
    });
    expect(await routingOf(deployment)).to.deep.equal({ active_color: 'blue', version: '2' });
    expect(await replicationLeftovers(deployment)).to.deep.equal({ slots: [], publications: [], subscriptions: [] });
  });

  it('stops before the switch when green does not verify: routing untouched, replication removed', async () => {
    const deployment = await newDeployment(blue, green);
    // Green holds a row blue does not have (written outside replication): the counts can never agree.
    const stray = `INSERT INTO app.customers (id, email) VALUES (100000, 'stray@example.com');`;
    const plan = await planFor(deploymentSpec(deployment, { window: '1h', extraMigration: stray }), 'dev', 'blue_green');
    const taskQueue = uniqueTaskQueue('bg-verify');
    const temporal = await sharedTemporal();
    await withWorker({ taskQueue }, async () => {
      const { workflowId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
      const failure = await failureOf(temporal.client.workflow.getHandle(workflowId).result());
      expect(failure.type).to.equal('DBA_STEP_FAILED');
      const result = failure.details?.[0] as InterpreterResult;
      expect(result.phase).to.equal('failed');
      expect(result.steps.verify).to.deep.include({ status: 'failed', attempts: 3 });
      expect(result.steps.verify?.lastError?.code).to.equal('DBA_REPLICATION_VERIFY_ROWS');
      expect(result.steps.switch_traffic).to.equal(undefined);
      expect(result.steps.replicate?.status).to.equal('compensated');
    });
    expect(await routingOf(deployment)).to.equal(undefined);
    expect(await replicationLeftovers(deployment)).to.deep.equal({ slots: [], publications: [], subscriptions: [] });
  });

  async function expectRolledBack(handle: Handle, deployment: Deployment, notifications: readonly unknown[], rows: number): Promise<void> {
    const failure = await failureOf(handle.result());
    expect(failure.type).to.equal('DBA_APPROVAL_REJECTED');
    const result = failure.details?.[0] as InterpreterResult;
    expect(result.phase).to.equal('rejected');
    expect(result.steps.switch_traffic?.status).to.equal('compensated');
    expect(result.steps.switch_traffic?.compensation?.status).to.equal('succeeded');
    expect(result.steps.replicate?.status).to.equal('compensated');
    expect(result.steps.retire_blue).to.equal(undefined);
    expect(result.approvals.map((a) => [a.gate, a.identity, a.decision])).to.deep.equal([['rollback_window', 'alice', 'reject']]);

    expect(await routingOf(deployment)).to.deep.equal({ active_color: 'blue', version: '2' });
    await eventually(() => Promise.resolve(notifications.length >= 2 ? true : undefined), 'the revert notification');
    expect(notifications).to.deep.equal([
      { service: deployment.service, database: deployment.database, activeColor: 'green', version: 1 },
      { service: deployment.service, database: deployment.database, activeColor: 'blue', version: 2 },
    ]);
    // Rolling back stops the replication too: nothing keeps blue's WAL.
    expect(await replicationLeftovers(deployment)).to.deep.equal({ slots: [], publications: [], subscriptions: [] });
    await expectSameOrders(deployment, rows);
  }
});
