import pg from 'pg';
import type { CdcSlotStatus } from './CdcSlotStatus.ts';
import { lsn } from './lsn.ts';
import { toCdcDatabaseError } from './toCdcDatabaseError.ts';

/** Reads the slot's lag and WAL guardrail state from pg_replication_slots (a plain connection, nothing changes). */
export async function readCdcSlot(databaseUrl: string, slot: string): Promise<CdcSlotStatus> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'dbarch:cdc-status' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ exists: boolean; active: boolean | null; confirmed: string | null; current: string; lag: string | null; retained: string | null; wal_status: string | null; safe: string | null; keep: string }>(
      `SELECT s.slot_name IS NOT NULL AS exists, s.active, s.confirmed_flush_lsn::text AS confirmed, pg_current_wal_lsn()::text AS current,
              pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::text AS lag,
              pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::text AS retained,
              s.wal_status, s.safe_wal_size::text AS safe, current_setting('max_slot_wal_keep_size') AS keep
         FROM (SELECT 1) one LEFT JOIN pg_replication_slots s ON s.slot_name = $1`,
      [slot],
    );
    const row = rows[0];
    const num = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
    return {
      slot,
      exists: row?.exists === true,
      active: row?.active === true,
      confirmedLsn: row?.confirmed == null ? null : lsn.normalize(row.confirmed),
      currentLsn: lsn.normalize(row?.current ?? '0/0'),
      lagBytes: num(row?.lag),
      retainedBytes: num(row?.retained),
      walStatus: row?.wal_status ?? null,
      safeWalBytes: num(row?.safe),
      maxSlotWalKeepSize: row?.keep ?? '-1',
    };
  } catch (error) {
    throw toCdcDatabaseError(error, 'reading the slot');
  } finally {
    await client.end().catch(() => undefined);
  }
}
