import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';

/** What one lease covers: an environment's target database. */
export interface LeaseKey {
  readonly environment: string;
  readonly database: string;
}

/** Who asks: one pipeline run (`<workflowId>:<firstRunId>`, the same for all its steps and attempts) and its workflow. */
export interface LeaseHolder {
  readonly holder: string;
  readonly workflowId: string;
}

export interface LeaseWait {
  /** The workflow holding the lease now, or null when it is free and a pipeline ahead of this one takes it next. */
  readonly heldBy: string | null;
  /** Pipelines queued ahead of this one (the holder not counted). */
  readonly ahead: number;
}

export interface AcquireLeaseOptions {
  /**
   * Whether a workflow is closed (completed, failed, cancelled, terminated, timed out) or unknown to the server. Only
   * the lease of a closed workflow is ever taken over; when the answer is not known, say false and the wait goes on.
   */
  readonly isClosed: (workflowId: string) => Promise<boolean>;
  /** Called on every poll while waiting (the step heartbeats with it). */
  readonly onWait?: (wait: LeaseWait) => void;
  /** Ends the wait: the request is withdrawn and the signal's reason thrown. */
  readonly signal?: AbortSignal;
  /** Between looks at the queue; default 1 s. */
  readonly pollMs?: number;
}

export interface LeaseGrant {
  readonly environment: string;
  readonly database: string;
  readonly holder: string;
  readonly workflowId: string;
  /** Workflows that held the lease while this one waited, in order (empty: it was free). */
  readonly waitedFor: readonly string[];
  /** Closed workflows whose lease or place in the queue was removed (they never released it). */
  readonly tookOverFrom: readonly string[];
  readonly acquiredAt: string;
}

interface LeaseRow {
  readonly holder: string;
  readonly workflow_id: string;
  readonly acquired_at: Date | null;
}

/**
 * Takes the lease of an environment's database for one pipeline run, waiting in arrival order behind the pipelines
 * that asked first. The lease is a row in the control database (dbarch.environment_leases, control migration V4),
 * so it outlives the worker that took it: a retried attempt (on any worker) finds its own request or lease and
 * carries on. Re-entrant: a holder asking again gets its lease back.
 *
 * Never deadlocks: a pipeline holds at most one lease and waits only while another pipeline is running. A holder or
 * a queued request whose workflow is closed (terminated without its compensation, say) is removed, and only then.
 */
export async function acquireEnvironmentLease(pool: pg.Pool, controlUrl: string, key: LeaseKey, me: LeaseHolder, options: AcquireLeaseOptions): Promise<LeaseGrant> {
  await ensureDbarchSchema('control', controlUrl);
  const waitedFor: string[] = [];
  const tookOverFrom: string[] = [];
  const pollMs = options.pollMs ?? 1000;
  const request = () =>
    pool.query('INSERT INTO dbarch.environment_leases (environment, database, holder, workflow_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      key.environment,
      key.database,
      me.holder,
      me.workflowId,
    ]);
  await request();
  // A request is never withdrawn here when an attempt fails: a retry (say after a worker kill) keeps its place. A
  // cancelled step is withdrawn by its compensation (release_environment), and a request whose workflow closed
  // without it is removed by whoever queues behind it.
  for (;;) {
    options.signal?.throwIfAborted();
    // The holder first, then the queue in arrival order.
    const { rows } = await pool.query<LeaseRow>(
      `SELECT holder, workflow_id, acquired_at FROM dbarch.environment_leases
        WHERE environment = $1 AND database = $2 ORDER BY acquired_at IS NULL, ticket`,
      [key.environment, key.database],
    );
    const mine = rows.find((row) => row.holder === me.holder);
    if (!mine) {
      // Removed by hand while waiting: queue again, at the back.
      await request();
      continue;
    }
    if (mine.acquired_at) return { ...key, ...me, waitedFor, tookOverFrom, acquiredAt: mine.acquired_at.toISOString() };

    const [first] = rows;
    if (first && first !== mine && (await closed(first, me, options))) {
      // Its workflow ended without releasing (or withdrawing) it: nobody else ever will.
      await pool.query('DELETE FROM dbarch.environment_leases WHERE environment = $1 AND database = $2 AND holder = $3', [key.environment, key.database, first.holder]);
      // A holder seen only once it had died (no poll fell in its tenure) was still waited for.
      if (first.acquired_at && waitedFor.at(-1) !== first.workflow_id) waitedFor.push(first.workflow_id);
      tookOverFrom.push(first.workflow_id);
      continue;
    }
    if (first === mine) {
      try {
        await pool.query('UPDATE dbarch.environment_leases SET acquired_at = now() WHERE environment = $1 AND database = $2 AND holder = $3', [key.environment, key.database, me.holder]);
      } catch (error) {
        // 23505 unique_violation of the one-holder index: another request won the race; look again.
        if ((error as { code?: string }).code !== '23505') throw error;
      }
      continue;
    }
    const holding = first?.acquired_at ? first : undefined;
    if (holding && waitedFor.at(-1) !== holding.workflow_id) waitedFor.push(holding.workflow_id);
    options.onWait?.({ heldBy: holding?.workflow_id ?? null, ahead: rows.indexOf(mine) - (holding ? 1 : 0) });
    await delay(pollMs, undefined, { signal: options.signal }).catch(() => undefined); // aborted: thrown at the top
  }
}

/**
 * Gives the lease back, or withdraws a queued request: idempotent, and only ever the caller's own row.
 * `released` says whether it held the lease.
 */
export async function releaseEnvironmentLease(pool: pg.Pool, controlUrl: string, key: LeaseKey, holder: string): Promise<{ readonly released: boolean; readonly withdrawn: boolean }> {
  await ensureDbarchSchema('control', controlUrl);
  const { rows } = await pool.query<{ held: boolean }>(
    'DELETE FROM dbarch.environment_leases WHERE environment = $1 AND database = $2 AND holder = $3 RETURNING acquired_at IS NOT NULL AS held',
    [key.environment, key.database, holder],
  );
  const held = rows[0]?.held;
  return { released: held === true, withdrawn: held === false };
}

/**
 * Whether a row's pipeline has ended. A row of this workflow id but another run chain is an earlier, closed
 * execution of the same id (only one chain of an id runs at a time), so it counts as closed without asking.
 */
async function closed(row: LeaseRow, me: LeaseHolder, options: AcquireLeaseOptions): Promise<boolean> {
  if (row.workflow_id === me.workflowId) return true;
  return options.isClosed(row.workflow_id);
}
