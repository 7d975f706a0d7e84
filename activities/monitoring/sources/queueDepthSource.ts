import type { ChannelModel } from 'amqplib';
import { connectAmqp } from '../../queue/connectAmqp.ts';
import type { MetricFamily } from '../Collector.ts';
import type { PlatformSource } from '../PlatformSource.ts';

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
  let connection: Promise<ChannelModel> | undefined;
  const connected = () => {
    connection ??= connectAmqp(amqpUrl).then((c) => {
      c.once('close', () => (connection = undefined));
      return c;
    });
    connection.catch(() => (connection = undefined));
    return connection;
  };
  return {
    name: 'queue_stats',
    families: Object.values(families),
    async collect() {
      const model = await connected();
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
    async close() {
      const open = connection;
      connection = undefined;
      if (open !== undefined) await (await open.catch(() => undefined))?.close().catch(() => undefined);
    },
  };
}
