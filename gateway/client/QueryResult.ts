import type { FieldDef, QueryResultRow } from 'pg';
import type { EndpointRole } from './Endpoint.ts';

/**
 * How fresh a result is: `strong` from the primary; `read-your-writes` from a replica that had replayed the
 * session's last write; `eventual` from a replica with no such promise (it may be up to `lagMs` behind).
 */
export type Consistency = 'strong' | 'read-your-writes' | 'eventual';

export interface QueryMeta {
  /** `host:port` of the server that answered. */
  readonly endpoint: string;
  readonly role: EndpointRole;
  readonly consistency: Consistency;
  /** Replica reads: its lag at the last probe (0 when caught up). */
  readonly lagMs?: number | undefined;
  readonly lagBytes?: number | undefined;
  /** A replica read went to the primary: no replica was readable, or none reached the session's position in time. */
  readonly fellBackToPrimary: boolean;
  /** Attempts it took (retries of safe failures included). */
  readonly attempts: number;
  readonly durationMs: number;
}

export interface QueryResult<R extends QueryResultRow = QueryResultRow> {
  readonly rows: R[];
  readonly rowCount: number | null;
  /** The command tag's verb: SELECT, INSERT, … */
  readonly command: string;
  readonly fields: readonly FieldDef[];
  readonly meta: QueryMeta;
}
