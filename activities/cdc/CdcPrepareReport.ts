/** What `prepareCdc` found and made: the capture's tables, whether it created the slot and publication, warnings. */
export interface CdcPrepareReport {
  readonly slot: string;
  readonly publication: string;
  readonly tables: readonly { readonly table: string; readonly qualified: string; readonly replicaIdentity: 'default' | 'full' | 'index' }[];
  readonly createdSlot: boolean;
  readonly createdPublication: boolean;
  /** Where the slot resumes from (its confirmed_flush_lsn). */
  readonly confirmedLsn: string | null;
  /** max_slot_wal_keep_size as the server reports it after any change (`-1` is unbounded). */
  readonly maxSlotWalKeepSize: string;
  readonly warnings: readonly { readonly code: string; readonly message: string }[];
}
