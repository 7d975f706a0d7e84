import { expect } from 'chai';
import { failoverDrillInput, startFailoverDrill } from '../../app/failoverDrill.ts';
import { latestDrills } from '../../app/latestDrills.ts';
import { startMonitor } from '../../app/startMonitor.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { failoverDrillWorkflow } from '../../workflows/failoverDrillWorkflow.ts';
import { monitorStatusQuery } from '../../workflows/monitorWorkflow.ts';
import { writeSpecFiles } from '../compiler/writeSpecFiles.ts';
import { eventually } from '../support/childProcess.ts';
import { sharedTemporal, testLog, uniqueTaskQueue, withWorker } from '../support/temporal.ts';
import { failoverFixture, type FailoverFixture } from './failoverFixture.ts';

/** Failover drills: a switchover under a writer, its write gap recorded against the SLO (issue 9's drills). */
describe('failover drill', function () {
  this.timeout(120_000);
  const fixtures: FailoverFixture[] = [];
  const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog), []);
  after(async () => {
    for (const fx of fixtures) await fx.cleanup();
  });

  it('switches the primary over through the monitor while writing, and records the longest write gap against the SLO', async () => {
    const fx = await failoverFixture({ mode: 'sync' });
    fixtures.push(fx);
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('drill');
    const before = await fx.topology();
    await withWorker({ taskQueue }, async () => {
      const monitor = await startMonitor(temporal.client, { cluster: fx.cluster, failoverPlan: await fx.plan() }, taskQueue);
      const handle = temporal.client.workflow.getHandle(monitor.workflowId);
      await eventually(async () => ((await handle.query(monitorStatusQuery)).phase === 'watching' ? true : undefined), 'the monitor watches');
      const input = await failoverDrillInput({ paths: [fx.specFile], cluster: fx.name, registry, controlUrl: fx.control.url, maxGapMs: 5000 });
      const started = await startFailoverDrill(temporal.client, input, taskQueue);
      expect(started.workflowId).to.match(new RegExp(`^failover-drill:${fx.name}:`));
      const result = await temporal.client.workflow.getHandle<typeof failoverDrillWorkflow>(started.workflowId).result();

      const after = await fx.topology();
      expect(result.reason).to.equal(null);
      expect(result.passed).to.equal(true);
      expect(result.primaryBefore).to.equal(before.primary.member);
      expect(result.primaryAfter).to.equal(after.primary.member).and.not.equal(before.primary.member);
      expect(result.epochAfter).to.be.greaterThan(result.epochBefore);
      expect(result.maxGapMs).to.be.greaterThan(0).and.at.most(result.maxGapAllowedMs);
      expect(result.acknowledged).to.be.greaterThan(50);
      console.log(`      drill write gap ${result.maxGapMs} ms (${result.acknowledged} writes, ${result.failed} failed)`);
      expect((await handle.query(monitorStatusQuery)).failovers, 'a planned switchover, not a failover').to.equal(0);
      // What the status page and the exporter read back: this drill, as the cluster's newest failover drill.
      const latest = await eventually(async () => (await latestDrills(temporal.client)).find((d) => d.cluster === fx.name && d.drill === 'failover' && d.workflowId === started.workflowId), 'the drill in visibility');
      expect(latest).to.include({ passed: true, writeGapMs: result.maxGapMs, durationMs: result.durationMs, reason: null });
      if (process.env.DBARCH_RECORD_HISTORIES === '1') await (await import('../runtime/runtimeFixture.ts')).recordHistory(temporal.client.workflow.getHandle(started.workflowId), 'failover-drill-passed');
      await handle.cancel();
    });
  });

  it('refuses a cluster that serves a protected environment, and one without replicas', async () => {
    const fx = await failoverFixture({ members: 1 });
    fixtures.push(fx);
    const refused = (error: unknown) => (error instanceof DbarchError ? error.code : String(error));
    expect(await failoverDrillInput({ paths: [fx.specFile], cluster: fx.name, registry }).then(() => 'accepted', refused)).to.equal('DBA_FAILOVER_NO_REPLICA');
    const dir = writeSpecFiles({ 'spec.yaml': `clusters:
  - name: prodha
    databases: [app]
    members: [{ name: p1, host: 127.0.0.1, port: 1 }, { name: p2, host: 127.0.0.1, port: 2 }]
deployment_config:
  source_control: github
  repository: schemas
  environments:
    - { name: production, database: app, cluster: prodha }
` });
    expect(await failoverDrillInput({ paths: [`${dir}/spec.yaml`], cluster: 'prodha', registry }).then(() => 'accepted', refused)).to.equal('DBA_FAILOVER_INPUT');
  });
});
