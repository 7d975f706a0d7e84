/** A CDC slot as PostgreSQL reports it: `dbarch cdc status`, the workflow's status query, the lag guardrail. */
export interface CdcSlotStatus {
  readonly slot: string;
  readonly exists: boolean;
  /** A reader is attached (the cdc:<database> stream). */
  readonly active: boolean;
  readonly confirmedLsn: string | null;
  readonly currentLsn: string;
  /** WAL written since the slot's confirmed position: changes not yet published and acknowledged. */
  readonly lagBytes: number | null;
  /** WAL the slot holds back from removal (from its restart position). */
  readonly retainedBytes: number | null;
  /** reserved, extended, unreserved, lost (PostgreSQL's wal_status). */
  readonly walStatus: string | null;
  /** Bytes left before max_slot_wal_keep_size invalidates the slot (null when unbounded). */
  readonly safeWalBytes: number | null;
  readonly maxSlotWalKeepSize: string;
}
