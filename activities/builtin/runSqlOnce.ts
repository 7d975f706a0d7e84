import type pg from 'pg';
import { isDbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { faultAfterCommit } from '../faultInjection.ts';
import { resolveConnectionUrl, type ConnectionInput } from '../postgres/resolveConnectionUrl.ts';
import { toStepError } from '../postgres/toStepError.ts';
import { ensureDbarchSchema } from '../schema/ensureDbarchSchema.ts';
import type { StepExecution } from '../StepExecution.ts';

export interface SqlStepInput extends ConnectionInput {
  readonly sql: string;
  /** Bind parameters ($1, $2 …); a statement with parameters must be a single statement. */
  readonly params?: readonly unknown[];
  /** Default true. False for statements PostgreSQL refuses in a transaction (CREATE INDEX CONCURRENTLY, VACUUM). */
  readonly transaction?: boolean;
}

export interface SqlStepOutput {
  readonly rowCount: number;
  /** Up to 100 rows of the last statement. */
  readonly rows: readonly Record<string, unknown>[];
  /** True when an earlier attempt had already committed this step: nothing ran this time. */
  readonly alreadyApplied: boolean;
}

/**
 * Runs SQL against a named database, exactly once per step of a workflow (the engine of `builtin/sql`). In a
 * transaction, the statement and a ledger row keyed by the step's idempotency key commit together, so a retry
 * after a commit returns the recorded output and a retry after a crash finds nothing committed. Without a
 * transaction the ledger is written after the statement: a crash between the two runs it again (write such SQL to
 * be re-runnable).
 *
 * This module is the step ledger's contract (dbarch.step_ledger in the target database); its table comes from
 * dbarch's target migrations (activities/schema/target/V1__step_ledger.sql), brought up to date once per database
 * per process before the first step there.
 */
export async function runSqlOnce(deps: ActivityDeps, input: SqlStepInput, ctx: StepExecution): Promise<SqlStepOutput> {
  const url = resolveConnectionUrl(input, deps.urls.postgres);
  const what = `${ctx.stepId} on ${input.database ?? 'the default database'}`;
  let client: pg.PoolClient;
  try {
    client = await deps.postgres(url).connect();
  } catch (error) {
    throw toStepError(error, what);
  }
  // On abort (the workflow cancels the step, or the worker shuts down) the running statement is cancelled so
  // its transaction rolls back now. The 57014 that follows is our own cancel, not a statement timeout.
  let cancelledByUs = false;
  const cancel = () => {
    cancelledByUs = true;
    void deps.postgres(url).query('SELECT pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID]).catch(() => undefined);
  };
  ctx.signal.addEventListener('abort', cancel);
  try {
    await ensureDbarchSchema('target', url, deps.log);
    return input.transaction === false ? await runOutside(client, input, ctx) : await runInside(client, input, ctx);
  } catch (error) {
    // The step wrapper reports an aborted step by why it was aborted (retryable on a worker shutdown).
    if (cancelledByUs) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : toStepError(error, what);
    // Coded already: the ledger's migration failed (DBA_MIGRATION_*), classified by the engine.
    if (isDbarchError(error)) throw error;
    throw toStepError(error, what);
  } finally {
    ctx.signal.removeEventListener('abort', cancel);
    client.release();
  }
}

async function recorded(client: pg.PoolClient, key: string): Promise<SqlStepOutput | undefined> {
  const { rows } = await client.query<{ output: SqlStepOutput }>('SELECT output FROM dbarch.step_ledger WHERE idempotency_key = $1', [key]);
  return rows[0] ? { ...rows[0].output, alreadyApplied: true } : undefined;
}

async function execute(client: pg.PoolClient, input: SqlStepInput): Promise<Omit<SqlStepOutput, 'alreadyApplied'>> {
  const result = input.params && input.params.length > 0 ? await client.query(input.sql, [...input.params]) : await client.query(input.sql);
  const last = Array.isArray(result) ? (result as pg.QueryResult[]).at(-1) : result;
  return { rowCount: last?.rowCount ?? 0, rows: (last?.rows ?? []).slice(0, 100) as Record<string, unknown>[] };
}

async function record(client: pg.PoolClient, ctx: StepExecution, output: Omit<SqlStepOutput, 'alreadyApplied'>): Promise<void> {
  await client.query('INSERT INTO dbarch.step_ledger (idempotency_key, workflow_id, step_id, output) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
    ctx.idempotencyKey,
    ctx.workflowId,
    ctx.stepId,
    JSON.stringify(output),
  ]);
}

async function runInside(client: pg.PoolClient, input: SqlStepInput, ctx: StepExecution): Promise<SqlStepOutput> {
  await client.query('BEGIN');
  try {
    // Two attempts of one step (a slow one and its retry) must not both run: the second waits here, then sees the ledger row.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [ctx.idempotencyKey]);
    const done = await recorded(client, ctx.idempotencyKey);
    if (done) {
      await client.query('ROLLBACK');
      return done;
    }
    const output = await execute(client, input);
    await record(client, ctx, output);
    await client.query('COMMIT');
    faultAfterCommit(ctx.stepId);
    return { ...output, alreadyApplied: false };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function runOutside(client: pg.PoolClient, input: SqlStepInput, ctx: StepExecution): Promise<SqlStepOutput> {
  const done = await recorded(client, ctx.idempotencyKey);
  if (done) return done;
  const output = await execute(client, input);
  await record(client, ctx, output);
  faultAfterCommit(ctx.stepId);
  return { ...output, alreadyApplied: false };
}
