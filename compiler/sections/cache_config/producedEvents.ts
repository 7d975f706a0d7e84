import { topicMatches } from '../../grammar/topicBinding.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { cdcConfigSection } from '../cdc_config/section.ts';
import { queueConfigSection } from '../queue_config/section.ts';
import type { CacheConfig } from './schema.ts';

/**
 * Whether something in the spec produces an event: declared in `cache_config.events`, written to the outbox, a
 * CDC change of a captured table (`users.update`), or routed to a queue binding (a binding is evidence that the
 * event is published on the broker).
 */
export function producedEvents(cache: CacheConfig, ctx: SectionCheckContext): (event: string) => boolean {
  const exact = new Set<string>(cache.events ?? []);
  const queue = ctx.section(queueConfigSection);
  for (const event of queue?.outbox?.events ?? []) exact.add(event);
  for (const table of ctx.section(cdcConfigSection)?.tables ?? []) {
    const name = table.includes('.') ? table.slice(table.indexOf('.') + 1) : table;
    for (const op of ['insert', 'update', 'delete']) exact.add(`${name}.${op}`);
  }
  const bindings: string[] = [];
  for (const exchange of queue?.exchanges ?? []) {
    for (const q of exchange.queues ?? []) {
      if (exchange.type === 'fanout' || exchange.type === 'headers') continue;
      if (q.binding_key !== undefined) bindings.push(exchange.type === 'topic' ? q.binding_key : q.binding_key.replaceAll(/[*#]/g, '\u0000'));
    }
  }
  return (event) => exact.has(event) || bindings.some((b) => topicMatches(b, event));
}
