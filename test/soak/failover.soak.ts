// Ten consecutive kill -9 failovers in sync mode (SOAK_KILLS, default 10): the 10 ms ledger writer runs through the
// published topology the whole time; each kill takes the current primary's postmaster, the monitor fails over and
// rejoins the old primary (pg_rewind) before the next kill. Exits 0 when no acknowledged row is lost, every row is
// present once, and every failover and rejoin succeeded; prints the write gap of each kill, p50 and max.
// Run: node --import tsx test/soak/failover.soak.ts   (npm run soak; not part of npm test)
import { startMonitor } from '../../app/startMonitor.ts';
import { failoverWorkflowId, monitorStatusQuery } from '../../workflows/monitorWorkflow.ts';
import { eventually } from '../support/childProcess.ts';
import { createLedgerTable, startLedgerWriter, verifyLedger } from '../support/ledgerWriter.ts';
import { sharedTemporal, stopSharedTemporal, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { failoverFixture } from '../failover/failoverFixture.ts';

const kills = Number(process.env.SOAK_KILLS ?? 10);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? NaN;
}

async function main(): Promise<boolean> {
  const fx = await failoverFixture({ mode: 'sync' });
  const temporal = await sharedTemporal();
  const taskQueue = uniqueTaskQueue('soak-failover');
  try {
    return await withWorker({ taskQueue }, async () => {
      const initial = await fx.topology();
      await createLedgerTable(initial.primary.url);
      const monitor = await startMonitor(temporal.client, { cluster: fx.cluster, failoverPlan: await fx.plan() }, taskQueue);
      const handle = temporal.client.workflow.getHandle(monitor.workflowId);
      await eventually(async () => ((await handle.query(monitorStatusQuery)).phase === 'watching' ? true : undefined), 'the monitor watches');
      const writer = startLedgerWriter({ resolve: async () => (await fx.topology()).primary.url });
      await writer.waitForAcks(50);
      const gaps: number[] = [];
      let ok = true;
      for (let kill = 1; kill <= kills; kill++) {
        const before = await fx.topology();
        const killedAt = writer.now();
        fx.kill9(before.primary.member);
        // The failover is done and the old primary back as a published replica, at full strength for the next kill.
        const status = await eventually(async () => {
          const s = await handle.query(monitorStatusQuery);
          const t = await fx.topology();
          return s.failovers >= Math.min(kill, 5) && s.phase === 'watching' && s.lastFailover?.workflowId === failoverWorkflowId(fx.name, before) && t.fenced.length === 0 && t.replicas.length === fx.cluster.members.length - 1 ? s : undefined;
        }, `failover ${kill} and the rejoin of ${before.primary.member}`, 120_000);
        await writer.waitForAcks(20, 30_000);
        const gap = writer.gapAround(killedAt) ?? NaN;
        gaps.push(gap);
        const after = await fx.topology();
        const record = status.lastFailover!;
        const failed = record.status !== 'succeeded' || (status.conditions.find((c) => c.type === 'FormerPrimaryRejoined')?.status ?? 'True') !== 'True';
        if (failed) ok = false;
        console.log(`kill ${kill}: ${before.primary.member} → ${after.primary.member} (timeline ${after.timeline}), detection ${record.detection.detectionMs} ms, write gap ${Math.round(gap)} ms${failed ? ' FAILED' : ''}`);
      }
      const run = await writer.stop();
      const verdict = await verifyLedger((await fx.topology()).primary.url, run);
      console.log(`write gap p50 ${Math.round(percentile(gaps, 0.5))} ms, max ${Math.round(Math.max(...gaps))} ms over ${kills} kills; ${verdict.acknowledged} acknowledged, lost ${verdict.lost.length}, duplicated ${verdict.duplicated.length}, unexpected ${verdict.unexpected.length}`);
      await handle.cancel();
      return ok && verdict.lost.length === 0 && verdict.duplicated.length === 0 && verdict.unexpected.length === 0 && gaps.every((g) => Number.isFinite(g));
    });
  } finally {
    await fx.cleanup();
    await stopSharedTemporal();
  }
}

const ok = await main();
console.log(ok ? 'failover soak: passed' : 'failover soak: FAILED');
process.exit(ok ? 0 : 1);
