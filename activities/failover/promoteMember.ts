import { performance } from 'node:perf_hooks';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { FailoverMember } from './FailoverCluster.ts';
import { withMember } from './memberClient.ts';

export interface PromoteResult {
  readonly member: string;
  /** True when it was a primary already (a retried step): nothing was sent. */
  readonly alreadyPrimary: boolean;
  /** From pg_promote() to read-write, in ms. */
  readonly promoteMs: number;
  readonly timeline: number;
  /** Its WAL position once read-write: where the new timeline starts. */
  readonly lsn: string;
}

/**
 * Promotes a standby with pg_promote() and returns once it accepts writes. Idempotent: a member that is
 * a primary already is reported as such, and asking a member that is promoting already just waits for it.
 */
export async function promoteMember(member: FailoverMember, timeoutMs: number): Promise<PromoteResult> {
  const started = performance.now();
  return withMember(member, timeoutMs + 2000, async (client) => {
    const before = await client.query<{ in_recovery: boolean }>('SELECT pg_is_in_recovery() AS in_recovery');
    const alreadyPrimary = before.rows[0]?.in_recovery === false;
    if (!alreadyPrimary) {
      // pg_promote(wait => true) looks every 100 ms; asking every 10 ms ends the write gap sooner.
      await client.query('SELECT pg_promote(false)');
      for (;;) {
        const now = await client.query<{ in_recovery: boolean }>('SELECT pg_is_in_recovery() AS in_recovery');
        if (now.rows[0]?.in_recovery === false) break;
        if (performance.now() - started > timeoutMs) throw new DbarchError('DBA_FAILOVER_PROMOTE_FAILED', `${member.name} did not finish promotion within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    const after = await client.query<{ in_recovery: boolean; lsn: string; timeline: number }>(
      `SELECT pg_is_in_recovery() AS in_recovery, pg_current_wal_lsn()::text AS lsn, ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline`,
    );
    const row = after.rows[0];
    if (row === undefined || row.in_recovery) throw new DbarchError('DBA_FAILOVER_PROMOTE_FAILED', `${member.name} is still in recovery after pg_promote()`);
    // A member fenced read-only before (a demoted primary that rejoined) must take writes as the primary.
    const readOnly = await client.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'default_transaction_read_only' AND source = 'configuration file'`);
    if (readOnly.rows[0]?.setting === 'on') {
      await client.query('ALTER SYSTEM RESET default_transaction_read_only');
      await client.query('SELECT pg_reload_conf()');
    }
    return { member: member.name, alreadyPrimary, promoteMs: Math.round(performance.now() - started), timeline: row.timeline, lsn: row.lsn };
  }).catch((error: unknown) => {
    if (error instanceof DbarchError) throw error;
    throw new DbarchError('DBA_FAILOVER_MEMBER_UNREACHABLE', `promoting ${member.name}: ${(error as Error).message}`, { cause: error });
  });
}
