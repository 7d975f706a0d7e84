import type { Channel, ConsumeMessage } from 'amqplib';
import type pg from 'pg';
import { consumerSchemaPart, processOnce } from '../../activities/outbox/processOnce.ts';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';
import { republish } from './republish.ts';

export { processOnce, pruneProcessedMessages } from '../../activities/outbox/processOnce.ts';
export { consumerRetryOptions } from './consumerRetryOptions.ts';

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
  /**
   * Failed deliveries (the handler threw) before a message is dead-lettered: queue_config's `max_retries`, default
   * 5 (0 counts as 1). Counted in the header `x-dbarch-retries` of the copy republished for each retry, so it works
   * on classic queues, which have no delivery limit (x-delivery-limit is quorum-only).
   */
  readonly maxRetries?: number;
  /**
   * The queue's dead-letter exchange (queue_config's `dead_letter_exchange`): the message is published there with
   * the reason in `x-dbarch-dead-letter-reason` (and `x-dbarch-retries`, `x-dbarch-queue`), under its routing key.
   * Without it the message is rejected without requeue: the queue's own dead-letter exchange gets it (x-death
   * says `rejected`), and the reason is only in `onDeadLetter`.
   */
  readonly deadLetterExchange?: string;
  /** Called when a message is dead-lettered, with the handler's last error and how many deliveries failed. */
  onDeadLetter?(message: ConsumeMessage, reason: string, failures: number): void;
}

/** Header of a retried copy: how many deliveries of this message failed so far. */
export const retriesHeader = 'x-dbarch-retries';
export const deadLetterReasonHeader = 'x-dbarch-dead-letter-reason';
/** The routing key the message first arrived with (a retried copy's own is the queue name). */
const routingKeyHeader = 'x-dbarch-routing-key';

/**
 * Consumes a queue so that redelivery does nothing twice (`import { consumeIdempotently } from 'dbarch/consumer'`):
 * each message's effect and its message id commit in one transaction, and the message is acknowledged after the
 * commit. Messages are processed one at a time in delivery order, so one key's events take effect in the order
 * the relay published them. A message without a message id cannot be deduplicated and is rejected. A handler
 * that throws is retried: a copy carrying the failure count is published to the back of the queue (confirmed, on
 * a confirm channel) before the delivery is acknowledged, and after `maxRetries` failed deliveries the message is
 * dead-lettered with the reason. A retried message leaves its key's order (later events of the key may take
 * effect first). Returns the consumer tag.
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
  } catch (error) {
    await retryOrDeadLetter(options, message, error);
    return;
  }
  channel.ack(message);
}

async function retryOrDeadLetter(options: IdempotentConsumerOptions, message: ConsumeMessage, error: unknown): Promise<void> {
  const { channel } = options;
  const before = Number(message.properties.headers?.[retriesHeader] ?? 0);
  const failures = (Number.isInteger(before) && before > 0 ? before : 0) + 1;
  const reason = error instanceof Error ? error.message : String(error);
  // A retried copy travels through the default exchange: its routing key is the queue's, so keep the first one.
  const original: unknown = message.properties.headers?.[routingKeyHeader];
  const routingKey = typeof original === 'string' ? original : message.fields.routingKey;
  try {
    if (failures < Math.max(1, options.maxRetries ?? 5)) {
      await republish(channel, '', options.queue, message, { [retriesHeader]: failures, [routingKeyHeader]: routingKey });
    } else {
      if (options.deadLetterExchange === undefined) {
        channel.reject(message, false);
        options.onDeadLetter?.(message, reason, failures);
        return;
      }
      await republish(channel, options.deadLetterExchange, routingKey, message, { [retriesHeader]: failures, [deadLetterReasonHeader]: reason, 'x-dbarch-queue': options.queue });
      options.onDeadLetter?.(message, reason, failures);
    }
  } catch {
    // The copy was not confirmed: back to the queue as it was, to be counted again.
    channel.nack(message, false, true);
    return;
  }
  channel.ack(message);
}
