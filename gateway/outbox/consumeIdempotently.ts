import type { Channel, ConsumeMessage } from 'amqplib';
import type pg from 'pg';
import { consumerSchemaPart, processOnce } from '../../activities/outbox/processOnce.ts';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';

export { processOnce, pruneProcessedMessages } from '../../activities/outbox/processOnce.ts';

export interface IdempotentConsumerOptions {
  readonly channel: Channel;
  readonly queue: string;
  /** The consumer's database, where its effects and the processed message ids are written together. */
  readonly pool: pg.Pool;
  /** When given, dbarch.processed_messages is created or upgraded there first (dbarch's own migrations). */
  readonly databaseUrl?: string;
  /** Name recorded with each id, so several consumers can share one database. */
  readonly consumer: string;
  /** Messages the broker sends ahead of the acknowledgements. Default 100. */
  readonly prefetch?: number;
  /** The effect of one message, in the transaction that records its id. */
  handle(tx: pg.PoolClient, message: ConsumeMessage): Promise<void>;
  /** Called for every delivery whose id was already processed (and is acknowledged without effect). */
  onDuplicate?(message: ConsumeMessage): void;
}

/**
 * Consumes a queue so that redelivery does nothing twice (`import { consumeIdempotently } from 'dbarch/consumer'`):
 * each message's effect and its message id commit in one transaction, and the message is acknowledged after the
 * commit. Messages are processed one at a time in delivery order, so one key's events take effect in the order
 * the relay published them. A message without a message id cannot be deduplicated and is rejected. A handler
 * that throws is requeued once, then rejected without requeue (to the queue's dead-letter exchange, if it has
 * one). Returns the consumer tag.
 */
export async function consumeIdempotently(options: IdempotentConsumerOptions): Promise<string> {
  const { channel } = options;
  if (options.databaseUrl !== undefined) await ensureDbarchSchema(consumerSchemaPart, options.databaseUrl);
  await channel.prefetch(options.prefetch ?? 100);
  let previous = Promise.resolve();
  const { consumerTag } = await channel.consume(options.queue, (message) => {
    if (message === null) return;
    previous = previous.then(() => handleOne(options, message)).catch(() => undefined); // a closed channel ends the consumer
  });
  return consumerTag;
}

async function handleOne(options: IdempotentConsumerOptions, message: ConsumeMessage): Promise<void> {
  const { channel } = options;
  const id: unknown = message.properties.messageId;
  if (typeof id !== 'string' || id === '') {
    channel.reject(message, false);
    return;
  }
  try {
    const outcome = await processOnce(options.pool, options.consumer, id, (tx) => options.handle(tx, message));
    if (outcome.duplicate) options.onDuplicate?.(message);
  } catch {
    channel.nack(message, false, !message.fields.redelivered);
    return;
  }
  channel.ack(message);
}
