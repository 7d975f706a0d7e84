import { DbarchError } from '../../errors/DbarchError.ts';
import { connectAmqp } from '../queue/connectAmqp.ts';
import { toQueueError } from '../queue/toQueueError.ts';
import type { CdcMessage, CdcPublisher } from './CdcPublisher.ts';

/**
 * RabbitMQ: every change on one confirm channel to a durable topic exchange, routing key = the table's topic
 * (`database.users.changes`), persistent, message id for deduplication. Confirms are windowed by the caller (it
 * holds many unsettled promises at once), never awaited one at a time; one channel keeps publish order.
 */
export async function rabbitmqCdcPublisher(amqpUrl: string, exchange: string): Promise<CdcPublisher> {
  const connection = await connectAmqp(amqpUrl);
  let fail: (error: unknown) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => {
    fail = reject;
  });
  broken.catch(() => undefined);
  connection.on('close', (error?: Error) => fail(toQueueError(error ?? new DbarchError('DBA_QUEUE_UNREACHABLE', 'the RabbitMQ connection of CDC closed'), 'publishing changes')));
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', (error: unknown) => fail(toQueueError(error, 'publishing changes')));
    channel.on('close', () => fail(new DbarchError('DBA_QUEUE_UNREACHABLE', 'the RabbitMQ channel of CDC closed')));
    await channel.assertExchange(exchange, 'topic', { durable: true });
    return {
      broken,
      publish(message: CdcMessage) {
        return new Promise<void>((resolve, reject) => {
          channel.publish(exchange, message.topic, Buffer.from(JSON.stringify(message.event)), {
            persistent: true,
            messageId: message.messageId,
            type: message.headers['x-dbarch-event'],
            contentType: 'application/json',
            headers: message.headers,
          }, (error: unknown) => {
            if (error === null || error === undefined) resolve();
            else reject(new DbarchError('DBA_QUEUE_UNREACHABLE', `RabbitMQ did not confirm change ${message.messageId}`, { cause: error }));
          });
        });
      },
      async close() {
        await connection.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw toQueueError(error, 'opening the CDC channel');
  }
}
