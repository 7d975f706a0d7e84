import { DbarchError } from '../../errors/DbarchError.ts';
import type { FailoverCluster } from './FailoverCluster.ts';
import { withMember } from './memberClient.ts';
import { memberNamed } from './failoverContext.ts';
import type { StepExecution } from '../StepExecution.ts';

export interface StandbyReplication {
  readonly name: string;
  readonly state: string;
  readonly syncState: string;
  readonly replayLagBytes: number | null;
}

export interface ReplicationCheck {
  readonly primary: string;
  readonly standbys: readonly StandbyReplication[];
  /** The standbys expected to stream (`expect`) that were not streaming when the wait ended. */
  readonly missing: readonly string[];
  readonly waitedMs: number;
}

/**
 * After a failover: waits (up to `waitMs`) until each expected standby streams from the new primary and reports
 * what pg_stat_replication says (state, sync_state, replay lag in bytes). In sync and strict modes a new primary
 * with no standby streaming at the end is an error, since its commits are not protected.
 */
export async function checkReplication(cluster: FailoverCluster, primaryName: string, expect: readonly string[], waitMs: number, exec: Pick<StepExecution, 'signal'>): Promise<ReplicationCheck> {
  const primary = memberNamed(cluster, primaryName);
  const started = Date.now();
  for (;;) {
    const standbys = await withMember(primary, cluster.health.timeoutMs * 4, async (client) =>
      (
        await client.query<{ name: string; state: string; sync_state: string; lag: string | null }>(
          `SELECT application_name AS name, state, sync_state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS lag FROM pg_stat_replication ORDER BY application_name`,
        )
      ).rows.map((row) => ({ name: row.name, state: row.state, syncState: row.sync_state, replayLagBytes: row.lag === null ? null : Number(row.lag) })),
    ).catch((error: unknown) => {
      throw new DbarchError('DBA_FAILOVER_MEMBER_UNREACHABLE', `reading pg_stat_replication on ${primary.name}: ${(error as Error).message}`, { cause: error });
    });
    const missing = expect.filter((name) => !standbys.some((s) => s.name === name && s.state === 'streaming'));
    const waitedMs = Date.now() - started;
    if (missing.length === 0 || waitedMs >= waitMs || exec.signal.aborted) {
      if (cluster.replication.mode !== 'async' && expect.length > 0 && missing.length === expect.length) {
        throw new DbarchError('DBA_FAILOVER_MEMBER_UNREACHABLE', `no standby streams from the new primary ${primary.name} after ${waitedMs} ms (expected ${expect.join(', ')})`, { details: { standbys } });
      }
      return { primary: primary.name, standbys, missing, waitedMs };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
