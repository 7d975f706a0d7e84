/**
 * The outbox contract shared by applications (`outbox.append`), the relay and the tests: table names and the
 * advisory lock that orders one key's events. The tables come from dbarch's own migrations, part `outbox`
 * (activities/schema/outbox/).
 */
export const outboxTable = 'dbarch.outbox_events';
export const outboxDeadLetterTable = 'dbarch.outbox_dead_letters';
export const outboxSchemaPart = 'outbox';

/**
 * First half of the two-int advisory keys of the outbox: "dbox" in ASCII. `(class, hashtext(key))` is taken by
 * append for the rest of the application's transaction; `(class, 0)` is the relay's lease, per database (advisory
 * locks are per database).
 */
export const outboxLockClass = 0x64626f78;
export const relayLeaseKey = 0;

/** A row as the relay reads it. */
export interface OutboxRow {
  readonly id: string;
  readonly message_id: string;
  readonly event_type: string;
  readonly event_key: string | null;
  /** The payload as JSON text, published as is. */
  readonly payload: string;
  readonly headers: Readonly<Record<string, string | number | boolean>>;
  readonly created_at: Date;
  readonly attempts: number;
}

/** AMQP headers the relay adds to every message (besides the message id, type and timestamp properties). */
export const outboxHeaders = { key: 'x-dbarch-key', outboxId: 'x-dbarch-outbox-id', schemaVersion: 'x-dbarch-schema-version' } as const;
