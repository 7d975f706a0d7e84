import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectBrokerTopology } from '../../activities/queue/inspectBrokerTopology.ts';
import type { QueueTopology } from '../../activities/queue/QueueTopology.ts';
import { reconcileTopology } from '../../activities/queue/reconcileTopology.ts';
import type { TopologyReport } from '../../activities/queue/TopologyReport.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import type { Plan, StepNode } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import { eventually } from '../support/childProcess.ts';
import { deploymentSection } from '../support/deploymentSection.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';
import { sharedTemporal, testLog, uniqueTaskQueue, withWorker } from '../support/temporal.ts';

const url = serviceUrls().rabbitmq;

async function inspect(topology: QueueTopology): Promise<Record<string, string>> {
  const report = await inspectBrokerTopology(url, topology);
  return Object.fromEntries(report.items.filter((item) => item.kind !== 'binding').map((item) => [item.name, item.state]));
}

describe('dbarch/queue_reconcile: a drifted queue holding messages is recreated only after its approval gate', function () {
  this.timeout(90_000);
  let mq: TestRabbitmq;
  let dir: string;
  let plan: Plan;
  let topology: QueueTopology;
  let events: string;
  let dead: string;
  let orders: string;
  let inventory: string;

  before(async () => {
    mq = await freshRabbitmq('qgate');
    [events, dead, orders, inventory] = ['events', 'dead', 'orders', 'inventory'].map((n) => mq.name(n)) as [string, string, string, string];
    dir = mkdtempSync(join(tmpdir(), 'dbarch-queue-gate-'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, `${deploymentSection('dev_db')}queue_config:
  provider: rabbitmq
  exchanges:
    - name: ${events}
      type: topic
      queues:
        - { name: ${orders}, binding_key: order.placed, dead_letter_exchange: ${dead} }
        - { name: ${inventory}, binding_key: "inventory.*" }
    - name: ${dead}
      type: fanout
`);
    const result = await planSpec({ paths: [spec], environment: 'dev', procedure: 'queue_reconcile', registry: createPluginRegistry(createPluginDeps(serviceUrls(), testLog)) });
    if (!result.ok) throw new Error(JSON.stringify(result));
    plan = result.plan;
    expect(plan.procedure).to.equal('dbarch/queue_reconcile');
    topology = ((plan.root.nodes[0] as StepNode).input as unknown as { topology: QueueTopology }).topology;
    await reconcileTopology(url, topology);
    // Drift: orders redeclared by hand without its dead-letter exchange, holding two messages; inventory with a
    // length limit but empty; the dead-letter exchange deleted.
    await mq.channel.deleteQueue(orders);
    await mq.channel.assertQueue(orders, { durable: true });
    mq.channel.sendToQueue(orders, Buffer.from('precious 1'));
    mq.channel.sendToQueue(orders, Buffer.from('precious 2'));
    await mq.channel.deleteQueue(inventory);
    await mq.channel.assertQueue(inventory, { durable: true, arguments: { 'x-max-length': 10 } });
    await mq.channel.deleteExchange(dead);
    await eventually(async () => ((await mq.channel.checkQueue(orders)).messageCount === 2 ? true : undefined), 'two messages in the drifted queue');
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await mq?.cleanup();
  });

  it('fixes the rest at once and holds the non-empty queue at the gate; rejected it keeps its messages; approved it is recreated', async () => {
    const temporal = await sharedTemporal();
    const taskQueue = uniqueTaskQueue('queue-gate');
    await withWorker({ taskQueue }, async () => {
      const atGate = async () => {
        const { workflowId, runId } = await startPlanWorkflow(temporal.client, plan, taskQueue);
        const handle = temporal.client.workflow.getHandle(workflowId, runId);
        const status = await eventually(async () => {
          const s = await handle.query(interpreterMessages.status);
          return s.awaitingApproval ? s : undefined;
        }, 'the run to wait at approve_deletes');
        return { handle, runId, status };
      };

      const first = await atGate();
      expect(first.status.openGates.map((gate) => gate.gate)).to.deep.equal(['approve_deletes']);
      const reconciled = first.status.steps.reconcile?.output as TopologyReport;
      expect(reconciled.pendingDeletes?.map((p) => [p.queue, p.messages])).to.deep.equal([[orders, 2]]);
      expect(reconciled.items.find((item) => item.name === orders)?.action).to.equal('deferred');
      expect(await inspect(topology), 'empty drift and the missing exchange fixed before the gate; the non-empty queue held').to.deep.equal({ [events]: 'ok', [dead]: 'ok', [orders]: 'drifted', [inventory]: 'ok' });
      expect((await mq.channel.checkQueue(orders)).messageCount).to.equal(2);

      await first.handle.executeUpdate(interpreterMessages.reject, { args: [{ identity: 'dba', planHash: plan.hash, comment: 'drain it first' }] });
      expect(await awaitPlanRun(temporal.client, first.handle.workflowId, first.runId)).to.deep.include({ ok: false, code: 'DBA_APPROVAL_REJECTED' });
      expect((await mq.channel.checkQueue(orders)).messageCount, 'rejected: the messages stay').to.equal(2);
      expect((await inspect(topology))[orders]).to.equal('drifted');

      const second = await atGate();
      expect(second.runId).to.not.equal(first.runId);
      await second.handle.executeUpdate(interpreterMessages.approve, { args: [{ identity: 'dba', planHash: plan.hash, comment: 'messages can go' }] });
      const done = await awaitPlanRun(temporal.client, second.handle.workflowId, second.runId);
      expect(done.ok, JSON.stringify(done)).to.equal(true);
      const recreated = done.ok ? (done.result.steps.recreate?.output as TopologyReport) : undefined;
      expect(recreated?.items.find((item) => item.name === orders)).to.include({ state: 'drifted', action: 'recreated' });
      expect(recreated?.pendingDeletes).to.equal(undefined);
      expect(Object.values(await inspect(topology))).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
      expect((await mq.channel.checkQueue(orders)).messageCount).to.equal(0);
    });
  });
});
