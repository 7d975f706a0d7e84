import { performance } from 'node:perf_hooks';
import type { FailoverMember } from './FailoverCluster.ts';
import type { MemberState } from './MemberState.ts';
import { withMember } from './memberClient.ts';

interface ProbeRow {
  in_recovery: boolean;
  flush_lsn: string | null;
  replay_lsn: string | null;
  timeline: number | null;
  conninfo: string;
}

// One round trip. A primary's timeline is its current WAL file's (pg_control lags until the end-of-recovery
// checkpoint); a standby's is the one its WAL receiver streams, else its last restartpoint's.
const probeSql = `
SELECT pg_is_in_recovery() AS in_recovery,
  CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text ELSE pg_current_wal_flush_lsn()::text END AS flush_lsn,
  CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text ELSE pg_current_wal_lsn()::text END AS replay_lsn,
  CASE WHEN pg_is_in_recovery()
    THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver), (SELECT timeline_id FROM pg_control_checkpoint()))
    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS timeline,
  current_setting('primary_conninfo') AS conninfo`;

/** One health check of a member within `timeoutMs`: reachability, role, timeline and WAL positions. Never throws. */
export async function probeMember(member: FailoverMember, timeoutMs: number): Promise<MemberState> {
  const started = performance.now();
  try {
    const row = await withMember(member, timeoutMs, async (client) => (await client.query<ProbeRow>(probeSql)).rows[0]);
    if (row === undefined) throw new Error('probe returned no row');
    return {
      name: member.name,
      reachable: true,
      inRecovery: row.in_recovery,
      timeline: row.timeline,
      flushLsn: row.flush_lsn,
      replayLsn: row.replay_lsn,
      upstream: row.in_recovery ? upstreamOf(row.conninfo) : null,
      latencyMs: Math.round(performance.now() - started),
      error: null,
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: member.name,
      reachable: false,
      inRecovery: null,
      timeline: null,
      flushLsn: null,
      replayLsn: null,
      upstream: null,
      latencyMs: Math.round(performance.now() - started),
      error: typeof code === 'string' ? code : /timeout/i.test(String((error as Error).message)) ? 'timeout' : String((error as Error).message).slice(0, 120),
    };
  }
}

/** Every member at once. */
export function probeMembers(members: readonly FailoverMember[], timeoutMs: number): Promise<MemberState[]> {
  return Promise.all(members.map((member) => probeMember(member, timeoutMs)));
}

/** `host:port` of a libpq conninfo string (key=value form, as pg_basebackup -R and dbarch write it). */
export function upstreamOf(conninfo: string): string | null {
  const host = /(?:^|\s)host='?([^'\s]+)'?/.exec(conninfo)?.[1];
  const port = /(?:^|\s)port='?(\d+)'?/.exec(conninfo)?.[1];
  return host === undefined ? null : `${host}:${port ?? '5432'}`;
}
