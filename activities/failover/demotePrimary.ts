import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { StepExecution } from '../StepExecution.ts';
import { failoverContext, memberNamed } from './failoverContext.ts';
import type { FailoverCluster, FailoverMember } from './FailoverCluster.ts';
import { compareLsn } from './lsn.ts';
import { withMember } from './memberClient.ts';
import { probeMembers } from './probeMember.ts';
import { stopLocalMember } from './stopLocalMember.ts';

export interface Demotion {
  readonly oldPrimary: string;
  /** The old primary's last WAL position once it refused writes; the target replayed at least this much. */
  readonly finalLsn: string | null;
  readonly caughtUp: readonly string[];
  readonly catchUpMs: number;
  /** stopped: shut down cleanly (local); read-only: left running, refusing writes; gone: it was down already. */
  readonly method: 'stopped' | 'read-only' | 'gone';
}

/**
 * A switchover's first half, with zero data loss: the primary stops taking writes (read-only, client sessions
 * ended), the target (`to`, else any streaming standby) replays everything it wrote, then the primary is shut down
 * cleanly where it is local. A target that does not catch up in time makes the primary writable again
 * (DBA_FAILOVER_CATCHUP_TIMEOUT). A primary already down is taken as demoted by an earlier attempt.
 */
export async function demotePrimary(control: pg.Pool, cluster: FailoverCluster, runKey: string, options: { readonly to?: string; readonly catchUpTimeoutMs: number }, exec: Pick<StepExecution, 'heartbeat' | 'signal'>): Promise<Demotion> {
  const context = await failoverContext(control, cluster, runKey);
  const old = context.oldPrimary;
  const states = await probeMembers(cluster.members, cluster.health.timeoutMs);
  const oldState = states.find((s) => s.name === old.name);
  if (context.published !== undefined || oldState?.reachable !== true || oldState.inRecovery !== false) {
    return { oldPrimary: old.name, finalLsn: null, caughtUp: [], catchUpMs: 0, method: 'gone' };
  }
  const targets = options.to === undefined ? states.filter((s) => s.name !== old.name && s.reachable && s.inRecovery === true).map((s) => s.name) : [options.to];
  if (targets.length === 0) throw new DbarchError('DBA_FAILOVER_NO_REPLICA', `cluster ${cluster.name} has no standby to switch over to`);
  const timeoutMs = cluster.health.timeoutMs * 4;
  const finalLsn = await withMember(old, timeoutMs, async (client) => {
    await client.query('ALTER SYSTEM SET default_transaction_read_only = on');
    await client.query('SELECT pg_reload_conf()');
    await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
    return (await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
  });
  const started = Date.now();
  const caughtUp: string[] = [];
  while (caughtUp.length === 0) {
    const now = await probeMembers(targets.map((name) => memberNamed(cluster, name)), cluster.health.timeoutMs);
    caughtUp.push(...now.filter((s) => s.reachable && compareLsn(s.replayLsn, finalLsn) >= 0).map((s) => s.name));
    if (caughtUp.length > 0) break;
    if (Date.now() - started > options.catchUpTimeoutMs || exec.signal.aborted) {
      await makeWritable(old, timeoutMs).catch(() => undefined);
      throw new DbarchError('DBA_FAILOVER_CATCHUP_TIMEOUT', `no switchover target (${targets.join(', ')}) replayed ${finalLsn} within ${options.catchUpTimeoutMs} ms; ${old.name} takes writes again`);
    }
    exec.heartbeat({ finalLsn, waitingFor: targets });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const catchUpMs = Date.now() - started;
  // The setting stays in its auto.conf: when it comes back as a standby it is read-only anyway, and a rejoin
  // that makes it a primary again (a switchover back) resets it.
  const stop = await stopLocalMember(old, 'fast');
  return { oldPrimary: old.name, finalLsn, caughtUp, catchUpMs, method: stop === 'not-local' ? 'read-only' : 'stopped' };
}

/** Undoes the read-only fence (after a failed catch-up, or on a member promoted again). */
export async function makeWritable(member: FailoverMember, timeoutMs: number): Promise<void> {
  await withMember(member, timeoutMs, async (client) => {
    await client.query('ALTER SYSTEM RESET default_transaction_read_only');
    await client.query('SELECT pg_reload_conf()');
  });
}
