import pg from 'pg';
import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import type { ManagedMember } from './ManagedCluster.ts';
import type { MemberStatus, ReplicationPeer, ReplicationSlotState } from './MemberStatus.ts';

const memberQuery = `
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
       pg_last_wal_receive_lsn()::text AS received_lsn,
       pg_last_wal_replay_lsn()::text AS replayed_lsn,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END AS replay_paused,
       CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
            -- No commit replayed since this standby started: the lag in time is unknown (greatest() would say 0).
            WHEN pg_last_xact_replay_timestamp() IS NULL THEN NULL
            ELSE greatest(0, (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000))::float8 END AS replay_lag_ms,
       CASE WHEN pg_is_in_recovery() THEN greatest(0, pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()))::float8 END AS backlog_bytes,
       CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)
            ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END AS wal_timeline,
       (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_timeline,
       (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver WHERE status = 'streaming' LIMIT 1) AS streaming_from`;

const replicationQuery = `
SELECT application_name, state, sync_state, sent_lsn::text, flush_lsn::text, replay_lsn::text,
       (extract(epoch FROM write_lag) * 1000)::float8 AS write_lag_ms,
       (extract(epoch FROM flush_lag) * 1000)::float8 AS flush_lag_ms,
       (extract(epoch FROM replay_lag) * 1000)::float8 AS replay_lag_ms
  FROM pg_stat_replication ORDER BY application_name`;

const slotQuery = `SELECT slot_name, active, restart_lsn::text, wal_status FROM pg_replication_slots WHERE slot_type = 'physical' ORDER BY slot_name`;

interface MemberRow {
  in_recovery: boolean;
  current_lsn: string | null;
  received_lsn: string | null;
  replayed_lsn: string | null;
  replay_paused: boolean | null;
  replay_lag_ms: number | null;
  backlog_bytes: number | null;
  wal_timeline: number | null;
  checkpoint_timeline: number;
  streaming_from: string | null;
}

/**
 * One health check of one member, bounded by `timeoutMs` for connect and queries together: reachability, role
 * (pg_is_in_recovery), timeline, LSNs, replay lag in time and bytes, and on a primary its standbys
 * (pg_stat_replication, sync state) and slots. Never throws: an unreachable member is a status, not an error.
 * `url` checks a server of a cluster dbarch does not manage (its connection reference, resolved).
 */
export async function readMemberStatus(member: ManagedMember & { readonly url?: string }, timeoutMs: number): Promise<MemberStatus> {
  const started = performance.now();
  const client = new pg.Client({
    connectionString: member.url ?? memberUrl(member),
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'dbarch:health',
  });
  // A server that dies mid-check emits 'error' on the client; the awaited call reports it.
  client.on('error', () => undefined);
  const base = { member: member.name, host: member.host, port: member.port };
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      await client.connect();
      const row = (await client.query<MemberRow>(memberQuery)).rows[0];
      if (row === undefined) throw new Error('the status query returned no row');
      const replication = row.in_recovery ? [] : (await client.query<Record<string, unknown>>(replicationQuery)).rows.map(peerFromRow);
      const slots = (await client.query<Record<string, unknown>>(slotQuery)).rows.map(slotFromRow);
      return { row, replication, slots };
    })();
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
    const { row, replication, slots } = await Promise.race([work, deadline]);
    return {
      ...base,
      reachable: true,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      error: null,
      role: row.in_recovery ? 'standby' : 'primary',
      timeline: row.wal_timeline ?? row.checkpoint_timeline,
      currentLsn: row.current_lsn,
      receivedLsn: row.in_recovery ? row.received_lsn : null,
      replayedLsn: row.in_recovery ? row.replayed_lsn : null,
      replayLagMs: row.replay_lag_ms === null ? null : Math.round(row.replay_lag_ms),
      replayBacklogBytes: row.backlog_bytes,
      replayPaused: row.replay_paused,
      streamingFrom: row.streaming_from,
      replication,
      slots,
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return {
      ...base,
      reachable: false,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      error: `${e.code === undefined ? '' : `${e.code}: `}${e.message ?? String(error)}`,
      role: null, timeline: null, currentLsn: null, receivedLsn: null, replayedLsn: null, replayLagMs: null,
      replayBacklogBytes: null, replayPaused: null, streamingFrom: null, replication: [], slots: [],
    };
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

function peerFromRow(r: Record<string, unknown>): ReplicationPeer {
  const ms = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  return {
    member: String(r.application_name),
    state: String(r.state),
    syncState: String(r.sync_state),
    sentLsn: (r.sent_lsn as string | null) ?? null,
    flushLsn: (r.flush_lsn as string | null) ?? null,
    replayLsn: (r.replay_lsn as string | null) ?? null,
    writeLagMs: ms(r.write_lag_ms),
    flushLagMs: ms(r.flush_lag_ms),
    replayLagMs: ms(r.replay_lag_ms),
  };
}

function slotFromRow(r: Record<string, unknown>): ReplicationSlotState {
  return { slot: String(r.slot_name), active: r.active === true, restartLsn: (r.restart_lsn as string | null) ?? null, walStatus: (r.wal_status as string | null) ?? null };
}
