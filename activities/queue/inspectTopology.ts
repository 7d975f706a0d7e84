import type { Channel, ChannelModel } from 'amqplib';
import { classifyAmqpError } from './classifyAmqpError.ts';
import type { ExchangeDeclaration, QueueDeclaration, QueueTopology } from './QueueTopology.ts';
import { toQueueError } from './toQueueError.ts';
import { bindingName, topologyReport, type TopologyItem, type TopologyReport } from './TopologyReport.ts';
import { withChannel } from './withChannel.ts';

/**
 * Compares the topology with the broker without changing it: a passive declare finds what is missing (404), then a
 * declare with the spec's type, durability and arguments on a fresh channel finds drift (406 PRECONDITION_FAILED
 * names the inequivalent argument). That second declare only ever meets an existing name, so it changes nothing
 * (unless the name is deleted in between, when it is made as declared).
 */
export async function inspectTopology(connection: ChannelModel, topology: QueueTopology): Promise<TopologyReport> {
  const items: TopologyItem[] = [];
  const present = new Set<string>();
  try {
    for (const exchange of topology.exchanges) {
      const item = await exchangeItem(connection, exchange);
      if (item.state !== 'missing') present.add(`exchange ${exchange.name}`);
      items.push(item);
    }
    for (const queue of topology.queues) {
      const item = await queueItem(connection, queue);
      if (item.state !== 'missing') present.add(`queue ${queue.name}`);
      items.push(item);
    }
  } catch (error) {
    throw toQueueError(error, 'inspecting the queue topology');
  }
  for (const binding of topology.bindings) {
    const both = present.has(`exchange ${binding.exchange}`) && present.has(`queue ${binding.queue}`);
    items.push({ kind: 'binding', name: bindingName(binding), state: both ? 'unverified' : 'missing' });
  }
  return topologyReport(items);
}

async function exchangeItem(connection: ChannelModel, exchange: ExchangeDeclaration): Promise<TopologyItem> {
  const at = { kind: 'exchange', name: exchange.name } as const;
  if (!(await exists(connection, (channel) => channel.checkExchange(exchange.name)))) return { ...at, state: 'missing' };
  const drift = await precondition(connection, (channel) => channel.assertExchange(exchange.name, exchange.type, { durable: exchange.durable }));
  return drift === undefined ? { ...at, state: 'ok' } : { ...at, state: 'drifted', detail: drift };
}

async function queueItem(connection: ChannelModel, queue: QueueDeclaration): Promise<TopologyItem> {
  const at = { kind: 'queue', name: queue.name } as const;
  let messages: number | undefined;
  const found = await exists(connection, async (channel) => {
    messages = (await channel.checkQueue(queue.name)).messageCount;
  });
  if (!found || messages === undefined) return { ...at, state: 'missing' };
  const drift = await precondition(connection, (channel) => channel.assertQueue(queue.name, { durable: queue.durable, arguments: { ...queue.arguments } }));
  return drift === undefined ? { ...at, state: 'ok', messages } : { ...at, state: 'drifted', detail: drift, messages };
}

/** Whether a passive declare finds the name (404 NOT_FOUND means it does not exist). */
async function exists(connection: ChannelModel, check: (channel: Channel) => Promise<unknown>): Promise<boolean> {
  try {
    await withChannel(connection, check);
    return true;
  } catch (error) {
    if (classifyAmqpError(error).category === 'not_found') return false;
    throw error;
  }
}

/** The broker's reason when a declare is refused as inequivalent (406), undefined when it matches. */
async function precondition(connection: ChannelModel, declare: (channel: Channel) => Promise<unknown>): Promise<string | undefined> {
  try {
    await withChannel(connection, declare);
    return undefined;
  } catch (error) {
    if (classifyAmqpError(error).category === 'precondition') return error instanceof Error ? error.message : String(error);
    throw error;
  }
}
