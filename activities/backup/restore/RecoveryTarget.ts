import type { Lsn } from '../wal/Lsn.ts';

/**
 * Where a point-in-time restore stops: PostgreSQL's recovery_target_time | _lsn | _xid | _name, or `latest`
 * (replay every archived WAL file, what a restore drill and "restore to now" do). Inclusive, as PostgreSQL's default.
 */
export type RecoveryTarget =
  /** `text` as given, handed to PostgreSQL verbatim: a Date would round microseconds away. */
  | { readonly kind: 'time'; readonly time: Date; readonly text: string }
  | { readonly kind: 'lsn'; readonly lsn: Lsn }
  | { readonly kind: 'xid'; readonly xid: string }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'latest' };
