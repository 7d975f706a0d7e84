import { DbarchError } from '../../errors/DbarchError.ts';
import { checkTopology } from './checkTopology.ts';
import { classifyAmqpError } from './classifyAmqpError.ts';
import { connectAmqp } from './connectAmqp.ts';
import { inspectTopology } from './inspectTopology.ts';
import { probeExchangeTypes } from './probeExchangeTypes.ts';
import type { QueueTopology } from './QueueTopology.ts';
import { toQueueError } from './toQueueError.ts';
import { bindingName, topologyReport, type PendingDelete, type TopologyItem, type TopologyReport } from './TopologyReport.ts';
import { withChannel } from './withChannel.ts';

export interface ReconcileOptions {
  /** Queues whose deletion an approval allowed: drifted queues that hold messages are recreated only if named here. */
  readonly approvedDeletes?: readonly string[];
  /** Set after an approval gate: every drifted queue of the topology may be deleted with its messages. */
  readonly deleteDrifted?: boolean;
  /**
   * Leave drifted queues that hold messages (and are not approved) as they are, listed in `pendingDeletes`, and
   * reconcile everything else, instead of refusing the whole reconcile (DBA_QUEUE_NOT_EMPTY).
   */
  readonly deferNonEmpty?: boolean;
}

/**
 * Makes the broker hold the topology; idempotent (a second run finds everything `ok` and does nothing but re-bind).
 * Everything that could refuse is checked before anything is declared, so a refused reconcile leaves nothing
 * half-made: the topology's consistency, the exchange types (probed), and drifted queues holding messages without
 * an approved deletion (DBA_QUEUE_NOT_EMPTY, listing them all).
 *
 * Drift is fixed by deleting and declaring again: exchanges hold no messages (publishers see the name missing for
 * a moment, and bindings made outside the spec go with it); a queue is deleted with if-empty unless its deletion
 * was approved, so messages that arrive after the inspection are never lost silently. With `deferNonEmpty` such a
 * queue is left as it is (action `deferred`, listed in `pendingDeletes`) for an approval gate to decide.
 */
export async function reconcileTopology(url: string, topology: QueueTopology, options: ReconcileOptions = {}): Promise<TopologyReport> {
  checkTopology(topology);
  await probeExchangeTypes(url, topology.exchanges.map((e) => e.type));
  const connection = await connectAmqp(url);
  try {
    const before = await inspectTopology(connection, topology);
    const approved = new Set(options.deleteDrifted === true ? topology.queues.map((queue) => queue.name) : (options.approvedDeletes ?? []));
    const refused = before.items.filter((item) => item.kind === 'queue' && item.state === 'drifted' && (item.messages ?? 0) > 0 && !approved.has(item.name));
    const pendingDeletes: PendingDelete[] = [];
    if (refused.length > 0 && options.deferNonEmpty !== true) throw notEmpty(refused.map((item) => ({ queue: item.name, messages: item.messages ?? 0, drift: item.detail })), 'nothing was changed');

    const byName = new Map(before.items.filter((item) => item.kind !== 'binding').map((item) => [`${item.kind} ${item.name}`, item]));
    const items: TopologyItem[] = [];
    for (const exchange of topology.exchanges) {
      const item = byName.get(`exchange ${exchange.name}`);
      if (item === undefined) continue;
      const declare = () => withChannel(connection, (channel) => channel.assertExchange(exchange.name, exchange.type, { durable: exchange.durable }));
      if (item.state === 'drifted') await withChannel(connection, (channel) => channel.deleteExchange(exchange.name));
      if (item.state !== 'ok') await declare();
      items.push({ ...item, action: item.state === 'missing' ? 'created' : item.state === 'drifted' ? 'recreated' : 'none' });
    }
    for (const queue of topology.queues) {
      const item = byName.get(`queue ${queue.name}`);
      if (item === undefined) continue;
      if (item.state === 'drifted') {
        const ifEmpty = !approved.has(queue.name);
        const defer = () => {
          pendingDeletes.push({ queue: queue.name, messages: item.messages ?? null, drift: item.detail ?? null });
          items.push({ ...item, action: 'deferred' });
        };
        if (ifEmpty && (item.messages ?? 0) > 0) {
          defer();
          continue;
        }
        try {
          await withChannel(connection, (channel) => channel.deleteQueue(queue.name, { ifEmpty }));
        } catch (error) {
          // 406 on an if-empty delete: messages arrived since the inspection.
          if (classifyAmqpError(error).category !== 'precondition') throw error;
          if (options.deferNonEmpty !== true) throw notEmpty([{ queue: queue.name, messages: null, drift: item.detail }], 'messages arrived after the inspection; the queue was left as it was');
          defer();
          continue;
        }
      }
      if (item.state !== 'ok') await withChannel(connection, (channel) => channel.assertQueue(queue.name, { durable: queue.durable, arguments: { ...queue.arguments } }));
      items.push({ ...item, action: item.state === 'missing' ? 'created' : item.state === 'drifted' ? 'recreated' : 'none' });
    }
    // AMQP cannot list bindings, so every binding is declared; binding twice is a no-op.
    await withChannel(connection, async (channel) => {
      for (const binding of topology.bindings) {
        await channel.bindQueue(binding.queue, binding.exchange, binding.routingKey, binding.arguments === undefined ? undefined : { ...binding.arguments });
        items.push({ kind: 'binding', name: bindingName(binding), state: 'ok', action: 'bound' });
      }
    });
    return pendingDeletes.length === 0 ? topologyReport(items) : { ...topologyReport(items), pendingDeletes };
  } catch (error) {
    throw toQueueError(error, 'reconciling the queue topology');
  } finally {
    await connection.close().catch(() => undefined);
  }
}

function notEmpty(queues: readonly { queue: string; messages: number | null; drift: string | undefined }[], outcome: string): DbarchError {
  const list = queues.map((q) => (q.messages === null ? q.queue : `${q.queue} (${q.messages} messages)`)).join(', ');
  return new DbarchError('DBA_QUEUE_NOT_EMPTY', `queue ${list} must be recreated to match the spec but holds messages; ${outcome}`, { details: { queues } });
}
