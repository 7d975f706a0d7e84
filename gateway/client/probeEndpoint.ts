import type pg from 'pg';
import { parseLsn, type Lsn } from './Lsn.ts';

export interface ProbeResult {
  readonly standby: boolean;
  /** A primary's insert position, a standby's replay position. */
  readonly position: Lsn;
}

const probeSql = `SELECT pg_is_in_recovery() AS standby,
  (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_insert_lsn() END)::text AS position`;

/** Asks the server what it is: the role comes from PostgreSQL (pg_is_in_recovery), never from the spec's order. */
export async function probeEndpoint(client: pg.Client): Promise<ProbeResult> {
  const { rows } = await client.query<{ standby: boolean; position: string | null }>(probeSql);
  const row = rows[0];
  return { standby: row?.standby ?? false, position: (row?.position == null ? undefined : parseLsn(row.position)) ?? 0n };
}
