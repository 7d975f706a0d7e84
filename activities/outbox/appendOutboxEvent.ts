import { namePatterns } from '../../compiler/schema/namePatterns.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';
import type { EventSchemaRegistry } from './eventSchemaRegistry.ts';
import { outboxHeaders, outboxLockClass, outboxTable } from './outboxTable.ts';

/** What append needs of the application's transaction: a pg client (or anything with its `query`) inside BEGIN. */
export interface OutboxTransaction {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface AppendOptions {
  /**
   * Events of one key are published in the order their transactions committed. Append takes a transaction-level
   * advisory lock on the key before the row gets its id, so a second transaction appending for the same key waits
   * until the first ends: id order is then commit order for that key, and the relay publishes in id order.
   */
  readonly key?: string;
  /** Extra AMQP headers (strings, numbers, booleans). */
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
}

export interface AppendedEvent {
  readonly id: string;
  /** The AMQP message id consumers deduplicate by. */
  readonly messageId: string;
}

const eventPattern = new RegExp(namePatterns.event.pattern);

/**
 * Writes one event to the outbox inside the caller's transaction; it is published once (and only if) that
 * transaction commits. Refuses before writing anything (DBA_OUTBOX_EVENT_INVALID) an event type that is not a
 * routing key of dot-separated words, a payload that is not JSON, or (given a schema registry) a payload that does
 * not match its event's latest schema; the application then rolls back. The schema version travels as the header
 * `x-dbarch-schema-version`.
 */
export async function appendOutboxEvent(
  tx: OutboxTransaction,
  eventType: string,
  payload: unknown,
  options: AppendOptions = {},
  schemas?: EventSchemaRegistry,
): Promise<AppendedEvent> {
  if (!eventPattern.test(eventType)) {
    throw new DbarchError('DBA_OUTBOX_EVENT_INVALID', `event type "${eventType}" is not ${namePatterns.event.description}`, { details: { eventType } });
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new DbarchError('DBA_OUTBOX_EVENT_INVALID', `the payload of ${eventType} is not JSON-serialisable: ${(error as Error).message}`, { details: { eventType } });
  }
  if (json === undefined) throw new DbarchError('DBA_OUTBOX_EVENT_INVALID', `the payload of ${eventType} is not JSON-serialisable (${typeof payload})`, { details: { eventType } });
  const version = schemas?.check(eventType, payload);
  const headers = JSON.stringify(version === undefined ? (options.headers ?? {}) : { ...options.headers, [outboxHeaders.schemaVersion]: version });
  const key = options.key ?? null;
  // The lock is evaluated in the subquery before the outer row (and its id) exists.
  const sql =
    key === null
      ? `INSERT INTO ${outboxTable} (event_type, event_key, payload, headers) VALUES ($1, NULL, $2, $3) RETURNING id::text, message_id::text`
      : `INSERT INTO ${outboxTable} (event_type, event_key, payload, headers)
         SELECT $1, $4, $2, $3 FROM (SELECT pg_advisory_xact_lock(${outboxLockClass}, hashtext($4))) AS ordered_by_key
         RETURNING id::text, message_id::text`;
  try {
    const { rows } = await tx.query(sql, key === null ? [eventType, json, headers] : [eventType, json, headers, key]);
    const row = rows[0] as { id: string; message_id: string };
    return { id: row.id, messageId: row.message_id };
  } catch (error) {
    if (classifyPgError(error).sqlstate === '42P01') {
      throw new DbarchError('DBA_OUTBOX_TABLE_MISSING', `${outboxTable} does not exist in this database`, { cause: error });
    }
    throw error;
  }
}
