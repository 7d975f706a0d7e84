import { expect } from 'chai';
import type { PromotionOutcome } from '../../activities/failover/promoteBestReplica.ts';
import { probeMembers } from '../../activities/failover/probeMember.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { startMonitor } from '../../app/startMonitor.ts';
import { eventually, spawnTs, type Child } from '../support/childProcess.ts';
import { sharedTemporal, uniqueTaskQueue } from '../support/temporal.ts';
import { failoverFixture, sql, type FailoverFixture } from './failoverFixture.ts';
import { failoverWorkflowId } from '../../workflows/monitorWorkflow.ts';

describe('failover with its worker SIGKILLed mid-way', function () {
  this.timeout(120_000);
  let fx: FailoverFixture;
  const children: Child[] = [];
  before(async () => {
    fx = await failoverFixture({ mode: 'sync' });
  });
  after(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await fx?.cleanup();
  });

  it('a worker killed right after the promotion: another worker finishes the run once, with no second promotion', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('failover-kill');
    const worker = (env: Record<string, string> = {}): Child => {
      const child = spawnTs('worker.ts', [], { TEMPORAL_ADDRESS: temporal.address, DBARCH_TASK_QUEUE: taskQueue, DBARCH_LOG_LEVEL: 'info', ...env });
      children.push(child);
      return child;
    };
    // The first worker SIGKILLs itself once the promote step's effect is done, before the step reports back.
    const first = worker({ DBARCH_FAULT_AFTER_COMMIT: 'promote' });
    await first.waitForLine(/worker started/);
    const initial = await fx.topology();
    await startMonitor(temporal.client, { cluster: fx.cluster, failoverPlan: await fx.plan(), heartbeatTimeoutMs: 2000 }, taskQueue);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the watch under way, a few healthy checks

    fx.kill9(initial.primary.member);
    expect(await first.exited, 'the first worker died mid-failover').to.equal('SIGKILL');
    const promotedByFirst = (await probeMembers(fx.cluster.members, 1000)).filter((m) => m.reachable && m.inRecovery === false).map((m) => m.name);
    expect(promotedByFirst, 'one member was promoted before the kill').to.have.length(1);

    const second = worker();
    await second.waitForLine(/worker started/);
    const failoverId = failoverWorkflowId(fx.name, initial);
    const outcome = await awaitPlanRun(temporal.client, failoverId);
    if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
    const promote = outcome.result.steps.promote!;
    expect(promote.attempts, 'the promote step ran again after the kill').to.be.greaterThan(1);
    const output = promote.output as PromotionOutcome;
    expect(output.promote.alreadyPrimary, 'the retry found the promotion done and promoted nothing').to.equal(true);
    expect(output.choice.chosen).to.equal(promotedByFirst[0]);

    const states = await probeMembers(fx.cluster.members, 1000);
    expect(states.filter((m) => m.reachable && m.inRecovery === false).map((m) => m.name), 'exactly one primary').to.deep.equal(promotedByFirst);
    const topology = await fx.topology();
    expect(topology.primary.member).to.equal(promotedByFirst[0]);
    const other = fx.cluster.members.map((m) => m.name).find((n) => n !== initial.primary.member && n !== promotedByFirst[0])!;
    await eventually(async () => {
      const rows = await sql<{ name: string }>(topology.primary.url, `SELECT application_name AS name FROM pg_stat_replication WHERE state = 'streaming'`);
      return rows.some((r) => r.name === other) ? true : undefined;
    }, `${other} streams from the new primary`);
    await temporal.client.workflow.getHandle(`monitor:${fx.name}`).cancel();
  });
});
