import type { Channel, ConsumeMessage } from 'amqplib';
import { cdcHeaders } from '../cdc/ChangeEvent.ts';
import { outboxHeaders } from '../outbox/outboxTable.ts';
import type { RedisCache } from './redisCache.ts';

/** A ttl_policies[] entry as the invalidator reads it. */
export interface InvalidationPolicy {
  readonly pattern: string;
  readonly invalidateOn: readonly string[];
}

export interface InvalidationConsumerOptions {
  readonly channel: Channel;
  /** A queue bound to the events of `invalidate_on`: the outbox exchange with their routing keys, and/or the CDC exchange with the tables' topics. */
  readonly queue: string;
  readonly cache: RedisCache;
  readonly policies: readonly InvalidationPolicy[];
  /** Called with every key or namespace invalidated, for logs and tests. */
  onInvalidated?(target: { readonly key: string } | { readonly namespace: string }, event: string): void;
}

/**
 * Applies cache_config's `invalidate_on` to events as they arrive: an event (routing key = event type) evicts, for
 * every policy listing it, the policy's pattern with its one `*` replaced by the event's key (`x-dbarch-key`, the
 * key given to `outbox.append`): `user:*` and key `42` → `user:42`. A pattern that cannot be filled in (no key, or
 * several wildcards) bumps the namespace's version instead, evicting all of it. A message is acknowledged only after
 * the invalidation reached Redis (`flushed`), so while Redis is down the events wait in the queue, not in memory.
 * Messages are applied concurrently (up to the prefetch of 100): evictions are idempotent and commute, so their
 * order does not matter, and one at a time capped the consumer below 1k events/s (bench/invalidation.ts).
 * Returns the consumer tag.
 */
export async function consumeInvalidations(options: InvalidationConsumerOptions): Promise<string> {
  const { channel, cache } = options;
  await channel.prefetch(100);
  const { consumerTag } = await channel.consume(options.queue, (message) => {
    if (message === null) return;
    invalidateFor(options, message).catch(() => undefined); // a closed channel ends the consumer
  });
  return consumerTag;

  async function invalidateFor(opts: InvalidationConsumerOptions, message: ConsumeMessage): Promise<void> {
    const named: unknown = message.properties.headers?.[cdcHeaders.event];
    const event = typeof named === 'string' && named !== '' ? named : message.fields.routingKey;
    const header: unknown = message.properties.headers?.[outboxHeaders.key];
    const key = typeof header === 'string' && header !== '' ? header : undefined;
    for (const policy of opts.policies) {
      if (!policy.invalidateOn.includes(event)) continue;
      const wildcards = policy.pattern.match(/[*?[]/g)?.length ?? 0;
      if (key !== undefined && wildcards === 1 && policy.pattern.includes('*')) {
        const target = policy.pattern.replace('*', key);
        await cache.invalidate(target);
        opts.onInvalidated?.({ key: target }, event);
      } else {
        const namespace = policy.pattern.includes(':') ? policy.pattern.slice(0, policy.pattern.indexOf(':')) : policy.pattern;
        await cache.bumpVersion(namespace);
        opts.onInvalidated?.({ namespace }, event);
      }
    }
    await cache.flushed();
    channel.ack(message);
  }
}
