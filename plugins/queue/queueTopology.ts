import type { BindingDeclaration, QueueDeclaration, QueueTopology } from '../../activities/queue/QueueTopology.ts';
import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import type { QueueConfig } from '../../compiler/sections/queue_config/schema.ts';

/**
 * queue_config as the topology the engine declares. A queue listed under two exchanges is one queue with two
 * bindings (its first listing decides durability and dead-lettering). Dead-lettering is the queue argument
 * `x-dead-letter-exchange`; headers bindings carry their headers and `x-match`.
 */
export function queueTopology(config: DeepReadonly<QueueConfig>): QueueTopology {
  const queues = new Map<string, QueueDeclaration>();
  const bindings: BindingDeclaration[] = [];
  for (const exchange of config.exchanges) {
    for (const queue of exchange.queues ?? []) {
      if (!queues.has(queue.name)) {
        queues.set(queue.name, {
          name: queue.name,
          durable: queue.durable ?? true,
          arguments: queue.dead_letter_exchange === undefined ? {} : { 'x-dead-letter-exchange': queue.dead_letter_exchange },
        });
      }
      const headers = exchange.type === 'headers' ? { ...queue.binding_headers, 'x-match': queue.match ?? 'all' } : undefined;
      bindings.push({
        queue: queue.name,
        exchange: exchange.name,
        routingKey: exchange.type === 'topic' || exchange.type === 'direct' ? (queue.binding_key ?? '') : '',
        ...(headers === undefined ? {} : { arguments: headers }),
      });
    }
  }
  return {
    exchanges: config.exchanges.map((e) => ({ name: e.name, type: e.type, durable: e.durable ?? true })),
    queues: [...queues.values()],
    bindings,
  };
}
