import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ReplicationNames } from './replicationNames.ts';

export interface GreenState {
  readonly tablesTotal: number;
  /** Tables whose initial copy is done and that follow the stream ('r' ready, or 's' synchronised). */
  readonly tablesReady: number;
  /** Apply plus initial-sync errors so far (pg_stat_subscription_stats). */
  readonly errorCount: number;
}

export interface BlueSlotState {
  readonly confirmedLsn: string | null;
  /** Bytes between `lsn` and what green confirmed; at or below 0 once green has it all. */
  readonly lagBytes: number | null;
}

/** Initial-copy progress and error count of the deployment's subscription on green. */
export async function readGreenState(green: pg.ClientBase, names: ReplicationNames): Promise<GreenState> {
  const { rows } = await green.query<{ total: string; ready: string; errors: string | null; exists: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_subscription WHERE subname = $1) AS exists,
            (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = $1) AS total,
            (SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = $1 AND r.srsubstate IN ('r', 's')) AS ready,
            (SELECT apply_error_count + sync_error_count FROM pg_stat_subscription_stats WHERE subname = $1) AS errors`,
    [names.subscription],
  );
  const row = rows[0];
  if (!row?.exists) {
    throw new DbarchError('DBA_REPLICATION_NOT_PREPARED', `green has no subscription ${names.subscription}`, { details: { subscription: names.subscription } });
  }
  return { tablesTotal: Number(row.total), tablesReady: Number(row.ready), errorCount: Number(row.errors ?? 0) };
}

/** How far green has confirmed blue's WAL, measured against `lsn`, from the slot on blue. */
export async function readBlueSlot(blue: pg.ClientBase, names: ReplicationNames, lsn: string): Promise<BlueSlotState> {
  const { rows } = await blue.query<{ confirmed: string | null; lag: string | null }>(
    `SELECT confirmed_flush_lsn::text AS confirmed, pg_wal_lsn_diff($2::pg_lsn, confirmed_flush_lsn)::bigint::text AS lag
       FROM pg_replication_slots WHERE slot_name = $1`,
    [names.slot, lsn],
  );
  const row = rows[0];
  if (!row) throw new DbarchError('DBA_REPLICATION_NOT_PREPARED', `blue has no replication slot ${names.slot}`, { details: { slot: names.slot } });
  return { confirmedLsn: row.confirmed, lagBytes: row.lag === null ? null : Number(row.lag) };
}

/** Blue's current WAL position: what "caught up" is measured against. */
export async function currentLsn(blue: pg.ClientBase): Promise<string> {
  const { rows } = await blue.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const lsn = rows[0]?.lsn;
  if (!lsn) throw new Error('pg_current_wal_lsn returned no row');
  return lsn;
}
