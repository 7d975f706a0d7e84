import type { ClientSession } from './ClientSession.ts';
import type { ReadPreference } from './DataPlaneTarget.ts';

export interface QueryOptions {
  /** Where the statement may run; replica and nearest fall back to the primary when no replica is readable. */
  readonly readPreference?: ReadPreference;
  /** Read-your-writes: replica reads see at least this session's writes. */
  readonly session?: ClientSession;
  /** W3C traceparent of the caller, carried into the logs. */
  readonly traceparent?: string;
  /**
   * The end user the statement runs for: set as `dbarch.user_id` for its transaction only, so row-level security's
   * `current_user_id()` sees it. The statement then runs in a transaction of its own (read-only off the primary).
   */
  readonly userId?: string;
}

export interface TransactionOptions {
  readonly readOnly?: boolean;
  /** Where a read-only transaction may run (a writing one always runs on the primary). */
  readonly readPreference?: ReadPreference;
  readonly isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readonly session?: ClientSession;
  /** Set as `dbarch.user_id` for this transaction (set_config(…, true)): `current_user_id()` in RLS policies. */
  readonly userId?: string;
  /** W3C traceparent of the caller, carried into the slow-query log with each statement. */
  readonly traceparent?: string;
}
