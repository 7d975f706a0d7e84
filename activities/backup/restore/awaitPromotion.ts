import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { DbarchError } from '../../../errors/DbarchError.ts';

export interface PromotionWait {
  readonly url: string;
  /** The server's log (pg_ctl -l), quoted in the error when recovery fails. */
  readonly logFile: string;
  /** Whether the postmaster still runs (pg_ctl status). */
  readonly running: () => Promise<boolean>;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** Called on every poll with what the server says: heartbeats and progress lines. */
  readonly progress?: (state: { readonly replayLsn: string | null; readonly inRecovery: boolean }) => void;
}

/**
 * Waits until the restored server has reached its target and promoted (pg_is_in_recovery() false). A server that
 * stops on the way (recovery ended before the target, a WAL file that fails its checks) or a timeout is
 * DBA_RESTORE_RECOVERY_FAILED with the end of its log.
 */
export async function awaitPromotion(wait: PromotionWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  const failed = async (why: string) =>
    new DbarchError('DBA_RESTORE_RECOVERY_FAILED', why, { details: { log: (await readFile(wait.logFile, 'utf8').catch(() => '')).slice(-4000) } });
  for (;;) {
    if (wait.signal.aborted) throw wait.signal.reason;
    const client = new pg.Client({ connectionString: wait.url, connectionTimeoutMillis: 2000, application_name: 'dbarch:restore' });
    try {
      await client.connect();
      const { rows } = await client.query<{ in_recovery: boolean; replay: string | null }>('SELECT pg_is_in_recovery() AS in_recovery, pg_last_wal_replay_lsn()::text AS replay');
      const state = rows[0]!;
      wait.progress?.({ replayLsn: state.replay, inRecovery: state.in_recovery });
      if (!state.in_recovery) return;
    } catch {
      // Not accepting connections yet (before consistency), or shutting down: the checks below tell which.
    } finally {
      await client.end().catch(() => undefined);
    }
    if (!(await wait.running())) throw await failed('the restored server stopped before it reached the recovery target and promoted');
    if (Date.now() > deadline) throw await failed(`the restored server did not promote within ${Math.round(wait.timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
