import { expect } from 'chai';
import { probeMembers } from '../../activities/failover/probeMember.ts';
import { awaitPlanRun, type PlanRunOutcome } from '../../app/awaitPlanRun.ts';
import { requestSwitchover } from '../../app/requestSwitchover.ts';
import { startMonitor } from '../../app/startMonitor.ts';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { monitorStatusQuery } from '../../workflows/monitorWorkflow.ts';
import { eventually } from '../support/childProcess.ts';
import { createLedgerTable, startLedgerWriter, verifyLedger } from '../support/ledgerWriter.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { failoverFixture, sql, type FailoverFixture } from './failoverFixture.ts';

/** The run of a workflow the monitor starts a moment after the signal. */
async function outcomeOf(workflowId: string): Promise<PlanRunOutcome> {
  const temporal = await sharedTemporal();
  return eventually(() => awaitPlanRun(temporal.client, workflowId).catch((error: unknown) => {
    if ((error as { name?: string }).name === 'WorkflowNotFoundError') return undefined;
    throw error;
  }), `workflow ${workflowId}`, 60_000);
}

describe('switchover and bad input', function () {
  this.timeout(120_000);
  const fixtures: FailoverFixture[] = [];
  after(async () => {
    for (const fx of fixtures) await fx.cleanup();
  });

  it('dbarch/switchover --to through the running monitor: the target is the primary, zero rows lost, every row once, the old primary a replica, no failover', async () => {
    const fx = await failoverFixture({ mode: 'sync' });
    fixtures.push(fx);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('switchover');
    const initial = await fx.topology();
    await createLedgerTable(initial.primary.url);
    await withWorker({ taskQueue }, async () => {
      const monitor = await startMonitor(temporal.client, { cluster: fx.cluster, failoverPlan: await fx.plan() }, taskQueue);
      const handle = temporal.client.workflow.getHandle(monitor.workflowId);
      await eventually(async () => ((await handle.query(monitorStatusQuery)).phase === 'watching' ? true : undefined), 'the monitor watches');
      const writer = startLedgerWriter({ resolve: async () => (await fx.topology()).primary.url });
      await writer.waitForAcks(50);
      const requested = await requestSwitchover(temporal.client, fx.name, await fx.plan('dbarch/switchover', 'm3'), initial.epoch, taskQueue);
      expect(requested.via).to.equal('monitor');
      const outcome = await outcomeOf(requested.workflowId);
      if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
      await writer.waitForAcks(50, 30_000);
      const run = await writer.stop();

      const after = await fx.topology();
      expect(after.primary.member).to.equal('m3');
      expect(after.fenced).to.deep.equal([]);
      const verdict = await verifyLedger(after.primary.url, run);
      expect(verdict.lost, 'rows lost').to.deep.equal([]);
      expect(verdict.duplicated).to.deep.equal([]);
      expect(verdict.unexpected).to.deep.equal([]);
      expect(after.replicas.map((r) => r.member).sort()).to.deep.equal(['m1', 'm2']);
      expect(await sql<{ r: boolean }>(initial.primary.url, 'SELECT pg_is_in_recovery() AS r')).to.deep.equal([{ r: true }]);
      const status = await handle.query(monitorStatusQuery);
      expect(status.failovers, 'the monitor did not fail over during the switchover').to.equal(0);
      expect(status.conditions.find((c) => c.type === 'LastSwitchoverSucceeded')?.status).to.equal('True');
      console.log(`      switchover write gap ${Math.round(writer.longestGap())} ms; ${verdict.acknowledged} acknowledged, 0 lost`);
      await handle.cancel();
    });
  });

  it('a failover asked for a cluster without replicas is DBA_FAILOVER_NO_REPLICA and changes nothing', async () => {
    const fx = await failoverFixture({ members: 1 });
    fixtures.push(fx);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('failover-single');
    const before = await fx.topology();
    await withWorker({ taskQueue }, async () => {
      const started = await startPlanWorkflow(temporal.client, await fx.plan(), taskQueue, `failover:${fx.name}:${before.timeline}`);
      const outcome = await awaitPlanRun(temporal.client, started.workflowId);
      expect(outcome.ok).to.equal(false);
      if (outcome.ok) return;
      // The run stops at its first step, which changes nothing, with the step's coded error.
      expect(outcome.result?.steps.detect?.lastError?.code).to.equal('DBA_FAILOVER_NO_REPLICA');
      expect(outcome.result?.steps.promote?.status ?? 'pending').to.equal('pending');
    });
    const after = await fx.topology();
    expect(after.epoch, 'nothing published').to.equal(before.epoch);
    const [only] = await probeMembers(fx.cluster.members, 1000);
    expect(only?.reachable && only.inRecovery === false, 'the primary still runs as the primary').to.equal(true);
  });
});
