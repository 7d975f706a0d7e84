import { appendOutboxEvent, type AppendedEvent, type AppendOptions, type OutboxTransaction } from '../../activities/outbox/appendOutboxEvent.ts';
import { loadEventSchemaRegistry } from '../../activities/outbox/eventSchemaRegistry.ts';
import { outboxSchemaPart } from '../../activities/outbox/outboxTable.ts';
import { ensureDbarchSchema, type DbarchSchemaReport } from '../../activities/schema/ensureDbarchSchema.ts';

export type { AppendedEvent, AppendOptions, OutboxTransaction } from '../../activities/outbox/appendOutboxEvent.ts';

/**
 * The transactional outbox for applications (`import { outbox } from 'dbarch/outbox'`):
 *
 * ```ts
 * await client.query('BEGIN');
 * await client.query('INSERT INTO orders …');
 * await outbox.append(client, 'order.placed', { orderId }, { key: `order:${orderId}` });
 * await client.query('COMMIT'); // the event is published by the relay (`dbarch relay <spec>`) once this commits
 * ```
 *
 * Same key → published in commit order; every event carries a message id for consumers to deduplicate by
 * (`consumeIdempotently` from 'dbarch/consumer'). docs/operations/outbox.md has the guarantees.
 */
export const outbox = {
  append: (tx: OutboxTransaction, eventType: string, payload: unknown, options?: AppendOptions): Promise<AppendedEvent> => appendOutboxEvent(tx, eventType, payload, options),
  /** Creates or upgrades dbarch.outbox_events in the database at `url` (dbarch's own migrations; the relay also runs them). */
  migrate: (url: string): Promise<DbarchSchemaReport> => ensureDbarchSchema(outboxSchemaPart, url),
  /**
   * An outbox that checks every payload against the event schema registry (queue_config.outbox.schemas: the
   * folder of `<event type>.v<version>.json`) before writing: a payload that does not match its event's latest
   * schema, or an event type without one, is refused (DBA_OUTBOX_EVENT_INVALID) and the application rolls back.
   */
  withSchemas(dir: string) {
    const registry = loadEventSchemaRegistry(dir);
    return {
      append: (tx: OutboxTransaction, eventType: string, payload: unknown, options?: AppendOptions): Promise<AppendedEvent> => appendOutboxEvent(tx, eventType, payload, options, registry),
      migrate: outbox.migrate,
    };
  },
};
