import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectBrokerTopology } from '../../activities/queue/inspectBrokerTopology.ts';
import type { QueueTopology } from '../../activities/queue/QueueTopology.ts';
import { reconcileTopology } from '../../activities/queue/reconcileTopology.ts';
import type { TopologyReport } from '../../activities/queue/TopologyReport.ts';
import type { StepNode } from '../../plan/Plan.ts';
import { planSpec } from '../../plan/planSpec.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { expectCode } from '../migrations/expectCode.ts';
import { spawnTs } from '../support/childProcess.ts';
import { freshRabbitmq, type TestRabbitmq } from '../support/rabbitmq.ts';
import { testLog } from '../support/temporal.ts';
import { deploymentSection } from '../support/deploymentSection.ts';

const url = serviceUrls().rabbitmq;

function states(report: TopologyReport): Record<string, string> {
  return Object.fromEntries(report.items.map((item) => [`${item.kind} ${item.name}`, `${item.state}${item.action ? `/${item.action}` : ''}`]));
}


describe('queue topology: queue_config declared in RabbitMQ', function () {
  this.timeout(60_000);
  let mq: TestRabbitmq;
  let events: string;
  let dead: string;
  let orders: string;
  let inventory: string;
  let parked: string;
  let spec: string;
  let topology: QueueTopology;

  before(async () => {
    mq = await freshRabbitmq('topology');
    [events, dead, orders, inventory, parked] = ['events', 'dead', 'orders', 'inventory', 'parked'].map((n) => mq.name(n)) as [string, string, string, string, string];
    spec = join(mkdtempSync(join(tmpdir(), 'dbarch-queue-')), 'spec.yaml');
    writeFileSync(
      spec,
      `${deploymentSection('dev_db')}queue_config:
  provider: rabbitmq
  exchanges:
    - name: ${events}
      type: topic
      queues:
        - { name: ${orders}, binding_key: order.placed, dead_letter_exchange: ${dead} }
        - { name: ${inventory}, binding_key: "inventory.*" }
    - name: ${dead}
      type: fanout
      queues:
        - { name: ${parked} }
procedures:
  definitions:
    topology:
      steps:
        - { id: diff, uses: queue/diff }
        - { id: reconcile, uses: queue/reconcile }
`,
    );
    const registry = createPluginRegistry(createPluginDeps(serviceUrls(), testLog));
    const result = await planSpec({ paths: [spec], environment: 'dev', procedure: 'topology', registry });
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [diff, reconcile] = result.plan.root.nodes as StepNode[];
    expect(diff?.input, 'every queue step gets the topology from queue_config').to.deep.equal(reconcile?.input);
    topology = (reconcile?.input as unknown as { topology: QueueTopology }).topology;
  });
  after(() => mq.cleanup());

  it('plans the topology from queue_config: dead-letter exchange as a queue argument, one binding per queue', () => {
    expect(topology.exchanges).to.deep.equal([
      { name: events, type: 'topic', durable: true },
      { name: dead, type: 'fanout', durable: true },
    ]);
    expect(topology.queues.find((q) => q.name === orders)?.arguments).to.deep.equal({ 'x-dead-letter-exchange': dead });
    expect(topology.bindings.map((b) => [b.queue, b.exchange, b.routingKey])).to.deep.equal([
      [orders, events, 'order.placed'],
      [inventory, events, 'inventory.*'],
      [parked, dead, ''],
    ]);
  });

  it('declares everything once, idempotently; messages route by the bindings and rejected ones reach the dead-letter queue', async () => {
    expect(Object.values(states(await inspectBrokerTopology(url, topology)))).to.deep.equal(['missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing']);
    const first = await reconcileTopology(url, topology);
    expect(states(first)).to.include({ [`exchange ${events}`]: 'missing/created', [`queue ${orders}`]: 'missing/created' });
    const second = await reconcileTopology(url, topology);
    expect(second.items.filter((i) => i.kind !== 'binding').map((i) => i.action)).to.deep.equal(['none', 'none', 'none', 'none', 'none']);
    expect((await inspectBrokerTopology(url, topology)).inSync).to.equal(true);

    const channel = await mq.connection.createConfirmChannel();
    channel.publish(events, 'order.placed', Buffer.from('o1'));
    channel.publish(events, 'inventory.changed', Buffer.from('i1'));
    await channel.waitForConfirms();
    const order = await mq.channel.get(orders);
    expect(order && order.content.toString()).to.equal('o1');
    expect((await mq.channel.checkQueue(inventory)).messageCount).to.equal(1);
    if (order) mq.channel.reject(order, false);
    const parkedMessage = await waitForMessage(mq, parked);
    expect(parkedMessage.content.toString(), 'rejected without requeue → dead-letter exchange → its queue').to.equal('o1');
    await channel.close();
  });

  it('finds a queue declared with other arguments and recreates it while empty; declares a missing binding again (AMQP cannot list bindings)', async () => {
    await reconcileTopology(url, topology);
    await mq.channel.purgeQueue(inventory);
    await mq.channel.unbindQueue(inventory, events, 'inventory.*');
    await mq.channel.deleteQueue(orders);
    await mq.channel.assertQueue(orders, { durable: true, arguments: { 'x-message-ttl': 1000 } });
    const before = states(await inspectBrokerTopology(url, topology));
    expect(before[`queue ${orders}`]).to.equal('drifted');
    const fixed = await reconcileTopology(url, topology);
    expect(states(fixed)[`queue ${orders}`]).to.equal('drifted/recreated');
    expect((await inspectBrokerTopology(url, topology)).inSync).to.equal(true);
    mq.channel.publish(events, 'inventory.counted', Buffer.from('again'));
    await waitForMessage(mq, inventory);
  });

  it('never deletes a drifted queue holding messages without an approval: DBA_QUEUE_NOT_EMPTY, nothing changed', async () => {
    await reconcileTopology(url, topology);
    await mq.channel.deleteQueue(orders);
    await mq.channel.assertQueue(orders, { durable: false });
    mq.channel.sendToQueue(orders, Buffer.from('precious'));
    await mq.channel.deleteExchange(dead);
    await waitForCount(mq, orders, 1);
    const error = await expectCode(reconcileTopology(url, topology), 'DBA_QUEUE_NOT_EMPTY');
    expect((error.details.queues as { queue: string; messages: number }[]).map((q) => [q.queue, q.messages])).to.deep.equal([[orders, 1]]);
    expect((await mq.channel.checkQueue(orders)).messageCount, 'the message is still there').to.equal(1);
    expect(states(await inspectBrokerTopology(url, topology))[`exchange ${dead}`], 'nothing half-made: the missing exchange was not declared either').to.equal('missing');

    const approved = await reconcileTopology(url, topology, { approvedDeletes: [orders] });
    expect(states(approved)).to.include({ [`queue ${orders}`]: 'drifted/recreated', [`exchange ${dead}`]: 'missing/created' });
    expect((await inspectBrokerTopology(url, topology)).inSync).to.equal(true);
  });

  it('recreates an exchange of another type (exchanges hold no messages) and rebinds its queues', async () => {
    await mq.channel.deleteExchange(events);
    await mq.channel.assertExchange(events, 'direct', { durable: true });
    expect(states(await inspectBrokerTopology(url, topology))[`exchange ${events}`]).to.equal('drifted');
    expect(states(await reconcileTopology(url, topology))[`exchange ${events}`]).to.equal('drifted/recreated');
    await mq.channel.purgeQueue(inventory);
    mq.channel.publish(events, 'inventory.moved', Buffer.from('topic again'));
    expect((await waitForMessage(mq, inventory)).content.toString()).to.equal('topic again');
  });

  it('dbarch plan shows the drift under the plan (a queue with other arguments, a missing exchange), changing nothing; --offline and JSON leave it out', async () => {
    await reconcileTopology(url, topology);
    await mq.channel.deleteQueue(inventory);
    await mq.channel.assertQueue(inventory, { durable: true, arguments: { 'x-max-length': 10 } });
    await mq.channel.deleteExchange(dead);
    const plan = spawnTs('bin/dbarch.js', ['plan', spec, '--env', 'dev', '--procedure', 'topology']);
    expect(await plan.exited, plan.output()).to.equal(0);
    const text = plan.output();
    expect(text).to.include('Live state').and.match(/queue: [23] of 8 items differ from queue_config/);
    expect(text).to.match(new RegExp(`~ queue ${inventory}: drifted`));
    expect(text).to.match(new RegExp(`\\+ exchange ${dead}: missing`));
    expect(text).not.to.match(new RegExp(`queue ${orders}: `), 'items as the spec says are not listed');
    expect(states(await inspectBrokerTopology(url, topology))[`exchange ${dead}`], 'plan changed nothing').to.equal('missing');

    const offline = spawnTs('bin/dbarch.js', ['plan', spec, '--env', 'dev', '--procedure', 'topology', '--offline']);
    expect(await offline.exited).to.equal(0);
    expect(offline.output()).not.to.include('Live state');
    const json = spawnTs('bin/dbarch.js', ['plan', spec, '--env', 'dev', '--procedure', 'topology', '--format', 'json']);
    expect(await json.exited).to.equal(0);
    expect((JSON.parse(json.output()) as { environment: string }).environment, 'JSON is the frozen plan alone').to.equal('dev');
    await mq.channel.deleteQueue(inventory);
    await reconcileTopology(url, topology);
  });

  it('dbarch plan names a broker it cannot reach and still prints the plan (exit 0)', async () => {
    const plan = spawnTs('bin/dbarch.js', ['plan', spec, '--env', 'dev', '--procedure', 'topology'], { AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' });
    expect(await plan.exited, plan.output()).to.equal(0);
    expect(plan.output()).to.include('queue/reconcile').and.match(/queue: not checked: /);
  });

  it('refuses an exchange type RabbitMQ does not have before declaring anything, and an inconsistent topology', async () => {
    const other = mq.name('other');
    const odd: QueueTopology = { exchanges: [{ name: other, type: 'topic', durable: false }, { name: mq.name('odd'), type: 'x-no-such-type', durable: false }], queues: [], bindings: [] };
    const error = await expectCode(reconcileTopology(url, odd), 'DBA_QUEUE_EXCHANGE_TYPE');
    expect(error.details.types).to.deep.equal(['x-no-such-type']);
    expect(states(await inspectBrokerTopology(url, odd))[`exchange ${other}`], 'nothing declared').to.equal('missing');
    await expectCode(reconcileTopology(url, { exchanges: [], queues: [], bindings: [{ queue: 'q', exchange: 'e', routingKey: '' }] }), 'DBA_QUEUE_TOPOLOGY_INVALID');
  });
});

async function waitForCount(mq: TestRabbitmq, queue: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await mq.channel.checkQueue(queue)).messageCount >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`queue ${queue} never held ${count} messages`);
}

async function waitForMessage(mq: TestRabbitmq, queue: string) {
  for (let i = 0; i < 200; i++) {
    const message = await mq.channel.get(queue, { noAck: true });
    if (message) return message;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no message arrived in ${queue}`);
}
