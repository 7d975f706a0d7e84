/**
 * One statement the data plane ran, as a DatabaseClient reports it (its `onQuery` option) after the result or the
 * failure: the client's own timing, retries and waits included. The slow-query log and latency figures read these.
 */
export interface QueryEvent {
  /** The client's service (the `service` label of its metrics). */
  readonly service: string;
  readonly sql: string;
  readonly durationMs: number;
  /** Rows returned or affected; null when the command reports none. */
  readonly rowCount: number | null;
  readonly role: 'primary' | 'replica' | 'unknown';
  /** host:port of the server that ran it, when one did. */
  readonly endpoint?: string;
  /** The caller's W3C traceparent, as given in QueryOptions. */
  readonly traceparent?: string;
  /** Present when the statement failed: the dbarch error code and SQLSTATE. */
  readonly error?: { readonly code: string; readonly message: string; readonly sqlstate?: string };
}
