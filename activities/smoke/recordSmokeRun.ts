import { Context } from '@temporalio/activity';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';

export interface RecordSmokeRunInput {
  readonly versions: Record<string, string>;
  /** Keeps the first attempt's transaction open this long before committing; lets tests kill a worker mid-activity. */
  readonly holdMs?: number;
}

export interface RecordSmokeRunResult {
  /** False when an earlier attempt had already recorded this run (the retry did nothing). */
  readonly inserted: boolean;
}

/**
 * Records the versions seen by one smoke workflow run in dbarch.smoke_runs. Exactly once per run: the row is
 * keyed by the workflow run, written in one transaction, so a killed attempt leaves nothing and a retry after a
 * committed attempt inserts nothing. The table comes from dbarch's control migrations
 * (activities/schema/control/V1__smoke_runs.sql).
 */
export function recordSmokeRun(deps: ActivityDeps) {
  return async function recordSmokeRun(input: RecordSmokeRunInput): Promise<RecordSmokeRunResult> {
    const context = Context.current();
    const execution = context.info.workflowExecution;
    if (!execution) throw new Error('recordSmokeRun runs only inside a workflow: its idempotency key is the workflow run');
    const { workflowId, runId } = execution;
    await ensureDbarchSchema('control', deps.urls.postgres, deps.log);
    const client = await deps.postgres().connect();
    const heartbeat = setInterval(() => context.heartbeat(), 500);
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(
        'INSERT INTO dbarch.smoke_runs (workflow_id, run_id, versions) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [workflowId, runId, JSON.stringify(input.versions)],
      );
      if (input.holdMs && context.info.attempt === 1) await client.query('SELECT pg_sleep($1)', [input.holdMs / 1000]);
      await client.query('COMMIT');
      context.log.info('smoke run recorded', { inserted: rowCount === 1 });
      return { inserted: rowCount === 1 };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      clearInterval(heartbeat);
      client.release();
    }
  };
}
