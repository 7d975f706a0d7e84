/** One standby as its primary sees it (pg_stat_replication), lags in ms (null when idle: nothing to catch up). */
export interface ReplicationPeer {
  readonly member: string;
  readonly state: string;
  readonly syncState: string;
  readonly sentLsn: string | null;
  readonly flushLsn: string | null;
  readonly replayLsn: string | null;
  readonly writeLagMs: number | null;
  readonly flushLagMs: number | null;
  readonly replayLagMs: number | null;
}

export interface ReplicationSlotState {
  readonly slot: string;
  readonly active: boolean;
  readonly restartLsn: string | null;
  /** reserved | extended | unreserved | lost, or null for a slot that never reserved WAL. */
  readonly walStatus: string | null;
}

/** What one check of one member found. Every field but `member`, `reachable` and `latencyMs` is null when unreachable. */
export interface MemberStatus {
  readonly member: string;
  readonly host: string;
  readonly port: number;
  readonly reachable: boolean;
  /** Time the check took (connect + queries). */
  readonly latencyMs: number;
  /** Why it is unreachable (SQLSTATE or errno and the message). */
  readonly error: string | null;
  readonly role: 'primary' | 'standby' | null;
  readonly timeline: number | null;
  /** Primary: pg_current_wal_lsn(). Standby: null. */
  readonly currentLsn: string | null;
  /** Standby: last WAL received and flushed by its receiver. */
  readonly receivedLsn: string | null;
  /** Standby: last WAL replayed. */
  readonly replayedLsn: string | null;
  /**
   * Standby: how long replay is behind, in ms: 0 when everything received is replayed (an idle primary writes
   * nothing, so now() - pg_last_xact_replay_timestamp() would grow without any lag), else now() minus the commit
   * time of the last replayed transaction; null (unknown) while behind with no transaction replayed since start.
   */
  readonly replayLagMs: number | null;
  /** Standby: bytes between what it received and what it replayed. The cluster view adds the primary's distance. */
  readonly replayBacklogBytes: number | null;
  readonly replayPaused: boolean | null;
  /** Standby: whether its WAL receiver is streaming, and from where. */
  readonly streamingFrom: string | null;
  /** Primary: its standbys. */
  readonly replication: readonly ReplicationPeer[];
  /** Primary (and standbys that hold some): replication slots. */
  readonly slots: readonly ReplicationSlotState[];
}
