/** What one health check of a member saw: JSON, recorded in workflow histories as the reason for a decision. */
export interface MemberState {
  readonly name: string;
  readonly reachable: boolean;
  /** pg_is_in_recovery(): a standby. */
  readonly inRecovery: boolean | null;
  readonly timeline: number | null;
  /** Primary: WAL flushed; standby: WAL received and flushed (pg_last_wal_receive_lsn, else replayed). */
  readonly flushLsn: string | null;
  /** Primary: current WAL position; standby: WAL replayed. */
  readonly replayLsn: string | null;
  /** A standby's upstream from primary_conninfo (`host:port`), when it has one. */
  readonly upstream: string | null;
  readonly latencyMs: number;
  /** Why it was not reachable: SQLSTATE or Node error code. */
  readonly error: string | null;
}
