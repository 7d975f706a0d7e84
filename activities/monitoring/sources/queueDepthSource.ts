import { connectAmqp } from '../../queue/connectAmqp.ts';
import type { MetricFamily } from '../Collector.ts';
import type { PlatformSource } from '../PlatformSource.ts';
import { reusedConnection } from './reusedConnection.ts';

const families = {
  messages: { name: 'dbarch_queue_messages', type: 'gauge', help: 'Messages ready in the queue (RabbitMQ queue.declare-ok message count).', labels: ['queue'] },
  consumers: { name: 'dbarch_queue_consumers', type: 'gauge', help: 'Consumers attached to the queue.', labels: ['queue'] },
} as const satisfies Record<string, MetricFamily>;

/**
 * The depth and consumers of every queue queue_config declares, from a passive declare on one long-lived
 * connection (reopened after the broker drops it). A queue that does not exist yet closes its channel with 404:
 * it is simply absent from the scrape, which `dbarch plan` reports as missing.
 */
export function queueDepthSource(amqpUrl: string, queues: readonly string[]): PlatformSource {
  const connection = reusedConnection(
    (lost) =>
      connectAmqp(amqpUrl).then((c) => {
        c.once('close', lost);
        return c;
      }),
    (c) => c.close(),
  );
  return {
    name: 'queue_stats',
    families: Object.values(families),
    async collect() {
      const model = await connection.get();
      const counts = await Promise.all(
        queues.map(async (queue) => {
          const channel = await model.createChannel();
          channel.on('error', () => undefined);
          try {
            const { messageCount, consumerCount } = await channel.checkQueue(queue);
            return [
              { family: families.messages, labels: { queue }, value: messageCount },
              { family: families.consumers, labels: { queue }, value: consumerCount },
            ];
          } catch {
            return [];
          } finally {
            await channel.close().catch(() => undefined);
          }
        }),
      );
      return counts.flat();
    },
    close: () => connection.close(),
  };
}
