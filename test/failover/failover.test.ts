import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { memberPaths } from '../../activities/cluster/memberPaths.ts';
import { startMemberServer } from '../../activities/cluster/memberServer.ts';
import type { PromotionOutcome } from '../../activities/failover/promoteBestReplica.ts';
import { rejoinFormerPrimary } from '../../activities/failover/rejoinFormerPrimary.ts';
import { startMonitor } from '../../app/startMonitor.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { failoverWorkflowId, type MonitorStatus, monitorStatusQuery } from '../../workflows/monitorWorkflow.ts';
import { eventually } from '../support/childProcess.ts';
import { createLedgerTable, startLedgerWriter, verifyLedger } from '../support/ledgerWriter.ts';
import { sharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { failoverFixture, sql, type FailoverFixture } from './failoverFixture.ts';

function condition(status: MonitorStatus, type: string): string | undefined {
  return status.conditions.find((c) => c.type === type)?.status;
}

describe('automatic failover: monitor:<cluster> runs dbarch/failover as failover:<cluster>:<timeline>', function () {
  this.timeout(120_000);
  let fx: FailoverFixture;
  // The operations team's webhook and Slack endpoints: one local receiver, by path.
  const received: { path: string; body: unknown }[] = [];
  let receiver: Server;
  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: JSON.parse(body) as unknown });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };
    process.env.FAILOVER_TEST_WEBHOOK = `http://127.0.0.1:${port}/webhook`;
    process.env.FAILOVER_TEST_SLACK = `http://127.0.0.1:${port}/slack`;
    fx = await failoverFixture({
      mode: 'sync',
      extraYaml: `monitoring_config:
  alerting:
    channels: [webhook, slack]
    rules: []
    destinations:
      webhook: { url: "\${FAILOVER_TEST_WEBHOOK}" }
      slack: { webhook_url: "\${FAILOVER_TEST_SLACK}", channel: "#db-ops" }
`,
    });
  });
  after(async () => {
    await fx?.cleanup();
    receiver?.close();
  });

  it('kill -9 of the primary under a 10 ms writer: a new primary, SELECT 1 and the writer resume through the published topology, no acknowledged row lost, the old primary rejoins', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('failover');
    const initial = await fx.topology();
    await createLedgerTable(initial.primary.url);
    await withWorker({ taskQueue }, async () => {
      const input = { cluster: fx.cluster, failoverPlan: await fx.plan() };
      const started = await startMonitor(temporal.client, input, taskQueue);
      expect(started.workflowId).to.equal(`monitor:${fx.name}`);
      expect((await startMonitor(temporal.client, input, taskQueue)).alreadyRunning, 'a second start attaches').to.equal(true);
      const handle = temporal.client.workflow.getHandle(started.workflowId);
      try {
        await eventually(async () => (condition(await handle.query(monitorStatusQuery), 'PrimaryHealthy') !== undefined ? true : undefined), 'the monitor is up');

        const writer = startLedgerWriter({ resolve: async () => (await fx.topology()).primary.url });
        await writer.waitForAcks(50);
        const killedAt = writer.now();
        fx.kill9(initial.primary.member);
        await writer.waitForAcks(100, 30_000);
        const status = await eventually(async () => {
          const s = await handle.query(monitorStatusQuery);
          return s.lastFailover !== null && condition(s, 'FormerPrimaryRejoined') !== undefined ? s : undefined;
        }, 'the failover and the rejoin of the old primary', 90_000);
        const run = await writer.stop();

        const after = await fx.topology();
        expect(after.primary.member).to.not.equal(initial.primary.member);
        expect(after.epoch).to.be.greaterThan(initial.epoch);
        expect(await sql(after.primary.url, 'SELECT 1 AS one')).to.deep.equal([{ one: 1 }]);
        const verdict = await verifyLedger(after.primary.url, run);
        expect(verdict.lost, 'acknowledged rows lost').to.deep.equal([]);
        expect(verdict.duplicated).to.deep.equal([]);
        // (A commit in flight at the kill may still be acknowledged by an orphaned backend of the old primary.)
        const firstOnNew = run.acknowledged.findIndex((ack) => ack.url === after.primary.url);
        expect(firstOnNew).to.be.greaterThan(0);
        expect(run.acknowledged.slice(firstOnNew).every((ack) => ack.url === after.primary.url), 'once on the new primary, the writer never wrote to the old one').to.equal(true);

        // The decisions and measurements are in the monitor's record and the failover's result.
        const record = status.lastFailover!;
        expect(record.status).to.equal('succeeded');
        expect(record.workflowId).to.equal(failoverWorkflowId(fx.name, initial));
        expect(record.detection.primary).to.equal(initial.primary.member);
        expect(record.detection.failures.length).to.equal(fx.cluster.health.unhealthyThreshold);
        const steps = (record.result as InterpreterResult).steps;
        const promoted = steps.promote?.output as PromotionOutcome;
        expect(promoted.choice.chosen).to.equal(after.primary.member);
        expect(promoted.choice.candidates.map((c) => c.name).sort()).to.deep.equal(fx.cluster.members.map((m) => m.name).filter((n) => n !== initial.primary.member).sort());
        expect(promoted.promote.timeline).to.equal((initial.timeline ?? 1) + 1);
        expect(after.fenced).to.not.include(initial.primary.member);
        expect(condition(status, 'FormerPrimaryRejoined')).to.equal('True');
        const old = after.replicas.find((r) => r.member === initial.primary.member);
        expect(old, 'the old primary is a published replica again').to.not.equal(undefined);
        expect(await sql<{ r: boolean }>(old!.url, 'SELECT pg_is_in_recovery() AS r')).to.deep.equal([{ r: true }]);
        // The operations team was told, on both channels.
        const webhook = received.find((r) => r.path === '/webhook')?.body as { type: string; cluster: string; primary: string; fenced: string[] } | undefined;
        expect(webhook).to.deep.include({ type: 'dbarch.failover', cluster: fx.name, primary: after.primary.member });
        const slack = received.find((r) => r.path === '/slack')?.body as { text: string; channel: string } | undefined;
        expect(slack?.channel).to.equal('#db-ops');
        expect(slack?.text).to.include(fx.name).and.to.include(`${after.primary.member} is the primary now`);
        console.log(
          `      write gap ${Math.round(writer.gapAround(killedAt) ?? -1)} ms (detection ${record.detection.detectionMs} ms, promote ${promoted.promote.promoteMs} ms, chosen ${promoted.choice.chosen} at ${promoted.choice.flushLsn}); ${verdict.acknowledged} acknowledged, 0 lost`,
        );
      } finally {
        await handle.cancel().catch(() => undefined);
      }
      await eventually(async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true), 'the monitor stops');
      // Loaded only when recording (DBARCH_RECORD_HISTORIES=1), the replay test's own helper.
      if (process.env.DBARCH_RECORD_HISTORIES === '1') await (await import('../runtime/runtimeFixture.ts')).recordHistory(handle, 'monitor-failover-rejoin-cancelled');
    });
  });

  it('split brain: the old primary restarted after a failover is fenced again, never written through dbarch, and rejoins only as a replica', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('failover-split');
    const initial = await fx.topology();
    await withWorker({ taskQueue }, async () => {
      // A watch of 1 s: the monitor continues as new every second, carrying its failover records.
      const started = await startMonitor(temporal.client, { cluster: fx.cluster, failoverPlan: await fx.plan(), autoRejoin: false, runForMs: 1000 }, taskQueue);
      const handle = temporal.client.workflow.getHandle(started.workflowId);
      await eventually(async () => ((await handle.query(monitorStatusQuery)).phase === 'watching' ? true : undefined), 'the monitor watches');
      const writer = startLedgerWriter({ resolve: async () => (await fx.topology()).primary.url, writer: 'split' });
      await writer.waitForAcks(20);
      fx.kill9(initial.primary.member);
      await eventually(async () => ((await handle.query(monitorStatusQuery)).lastFailover?.workflowId === failoverWorkflowId(fx.name, initial) ? true : undefined), 'the failover', 60_000);
      const failedOver = await fx.topology();
      expect(failedOver.fenced).to.include(initial.primary.member);

      // It comes back by itself as a primary of the old timeline (no standby.signal): a split brain.
      const old = fx.managed.members.find((m) => m.name === initial.primary.member)!;
      const restartedAt = writer.now();
      // (A moment after the kill: until its orphaned backends are gone the old lock file still counts.)
      await eventually(() => startMemberServer(memberPaths(fx.managed, old), 10_000).then(() => true, () => undefined), 'the old primary restarted', 30_000);
      // The monitor sees a fenced member answering as a primary and stops it.
      await eventually(async () => {
        const rows = await sql<{ r: boolean }>(initial.primary.url, 'SELECT pg_is_in_recovery() AS r').catch(() => undefined);
        return rows === undefined ? true : undefined;
      }, 'the fenced primary stopped again', 30_000);
      await writer.waitForAcks(20);
      const run = await writer.stop();
      // The history stays bounded: later runs (continue-as-new) still report the failover.
      const runAtFailover = (await handle.describe()).runId;
      await eventually(async () => ((await handle.describe()).runId !== runAtFailover ? true : undefined), 'a continue-as-new');
      expect((await handle.query(monitorStatusQuery)).lastFailover?.workflowId).to.equal(failoverWorkflowId(fx.name, initial));
      expect(run.acknowledged.some((ack) => ack.url === initial.primary.url && ack.at > restartedAt), 'no write through dbarch reached the restarted old primary').to.equal(false);
      expect(run.acknowledged.filter((ack) => ack.at > restartedAt).length, 'the writer went on meanwhile').to.be.greaterThan(0);
      const current = await fx.topology();
      expect(current.primary.member).to.equal(failedOver.primary.member);
      expect(current.fenced).to.include(initial.primary.member);
      expect((await verifyLedger(current.primary.url, run)).lost).to.deep.equal([]);
      await handle.cancel();

      // Rejoin (pg_rewind onto the new timeline): a replica, never a primary again, and no longer fenced.
      const rejoined = await rejoinFormerPrimary(fx.control, fx.cluster, old.name, () => undefined);
      expect(rejoined.epoch).to.be.greaterThan(current.epoch);
      expect(await sql<{ r: boolean }>(initial.primary.url, 'SELECT pg_is_in_recovery() AS r')).to.deep.equal([{ r: true }]);
      expect((await fx.topology()).fenced).to.not.include(old.name);
    });
  });
});
