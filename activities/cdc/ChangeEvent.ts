/**
 * One captured row change as CDC publishes it (the message body, JSON). The contract between the CDC stream and
 * its consumers (the cache invalidator, applications): keep it stable.
 */
export interface ChangeEvent {
  readonly op: 'insert' | 'update' | 'delete';
  /** Schema-qualified table, `public.users`. */
  readonly table: string;
  /** The row's replica identity columns (its primary key, or every column under REPLICA IDENTITY FULL). */
  readonly key: Readonly<Record<string, unknown>> | null;
  /** The row before the change: under REPLICA IDENTITY FULL for updates and deletes, otherwise the key columns of a delete or of an update that changed the key, else null. */
  readonly before: Readonly<Record<string, unknown>> | null;
  /** The row after the change (null for a delete). */
  readonly after: Readonly<Record<string, unknown>> | null;
  /** The LSN of the change's own WAL record. */
  readonly lsn: string;
  /** The LSN of its transaction's commit: increases from one transaction to the next, in commit order. */
  readonly commitLsn: string;
  /** Position of the change in its transaction, from 0; with commitLsn it is unique and ordered. */
  readonly index: number;
  /** Changes in the transaction, so a consumer can tell that it has all of them. */
  readonly count: number;
  readonly commitTime: string;
  readonly xid: number;
  /**
   * True when the change may have been published before (it follows a crash, between the last acknowledged LSN
   * and the last one published): consumers drop what they saw by message id (`<slot>:<commitLsn>:<index>`).
   */
  readonly replay: boolean;
}

/** Message headers (AMQP) and record headers (Kafka) of every change event. */
export const cdcHeaders = {
  /** `<table>.<op>`, the table without its schema: the event name `invalidate_on` lists (as cache_config's checks name them). */
  event: 'x-dbarch-event',
  /** The key's values joined by `,` (for `user:*` patterns). */
  key: 'x-dbarch-key',
  lsn: 'x-dbarch-lsn',
  replay: 'x-dbarch-replay',
} as const;

/** The event name of a change: `users.update`; `billing.invoices` → `invoices.delete`. */
export function changeEventName(event: Pick<ChangeEvent, 'table' | 'op'>): string {
  const table = event.table.includes('.') ? event.table.slice(event.table.indexOf('.') + 1) : event.table;
  return `${table}.${event.op}`;
}

/** The id consumers deduplicate by: the same change replayed after a crash has the same id. */
export function changeMessageId(slot: string, event: Pick<ChangeEvent, 'commitLsn' | 'index'>): string {
  return `${slot}:${event.commitLsn}:${event.index}`;
}

/** The key header's value: the key columns' values in column order, joined by `,`. */
export function changeKeyText(event: Pick<ChangeEvent, 'key'>): string | undefined {
  if (event.key === null) return undefined;
  return Object.values(event.key).map((value) => (value instanceof Date ? value.toISOString() : String(value))).join(',');
}
