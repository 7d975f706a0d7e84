import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import type { QueueConfig } from '../../compiler/sections/queue_config/schema.ts';
import { DbarchError } from '../../errors/DbarchError.ts';

export interface ConsumerRetryOptions {
  readonly maxRetries: number;
  readonly deadLetterExchange?: string;
}

/** The spec's default for `max_retries` (queue_config's schema). */
const defaultMaxRetries = 5;

/**
 * A queue's `max_retries` and `dead_letter_exchange` from queue_config, as `consumeIdempotently` takes them:
 * `consumeIdempotently({ ...consumerRetryOptions(spec.queue_config, 'orders'), channel, queue: 'orders', … })`.
 * A queue listed under several exchanges takes its first listing, as the topology does.
 */
export function consumerRetryOptions(config: DeepReadonly<QueueConfig>, queue: string): ConsumerRetryOptions {
  const listed = config.exchanges.flatMap((exchange) => exchange.queues ?? []).find((candidate) => candidate.name === queue);
  if (listed === undefined) throw new DbarchError('DBA_QUEUE_TOPOLOGY_INVALID', `queue ${queue} is not declared in queue_config`, { hint: 'name a queue listed under one of queue_config.exchanges[].queues' });
  return {
    maxRetries: listed.max_retries ?? defaultMaxRetries,
    ...(listed.dead_letter_exchange === undefined ? {} : { deadLetterExchange: listed.dead_letter_exchange }),
  };
}
