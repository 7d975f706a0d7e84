import type pg from 'pg';

/**
 * Outputs of pipeline steps in the control database (`dbarch.migration_pipeline_steps`), keyed by idempotency
 * key: later steps read earlier ones (verify reads the staging fingerprint, rollback the checkpoint), and a step
 * whose effect must happen once returns what it recorded the first time.
 */
export class PipelineStepStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly pool: pg.Pool) {}

  private ensure(): Promise<void> {
    this.ready ??= this.pool
      .query(
        `CREATE SCHEMA IF NOT EXISTS dbarch;
         CREATE TABLE IF NOT EXISTS dbarch.migration_pipeline_steps (
           idempotency_key text PRIMARY KEY,
           run_key text NOT NULL,
           step_id text NOT NULL,
           output jsonb NOT NULL,
           recorded_at timestamptz NOT NULL DEFAULT now());
         CREATE TABLE IF NOT EXISTS dbarch.schema_registry (
           id bigserial PRIMARY KEY,
           environment text NOT NULL,
           database text NOT NULL,
           version text,
           fingerprint text NOT NULL,
           approver text,
           approved_at timestamptz,
           recorded_at timestamptz NOT NULL DEFAULT now(),
           workflow_id text NOT NULL,
           plan_hash text NOT NULL,
           idempotency_key text NOT NULL UNIQUE);`,
      )
      .then(() => undefined)
      .catch((error: unknown) => {
        this.ready = undefined;
        // Two workers creating the tables at once: the loser's CREATE fails with unique_violation; the tables exist.
        if ((error as { code?: string }).code !== '23505') throw error;
      });
    return this.ready;
  }

  /** Records the output unless one is recorded already; returns the recorded one either way. */
  async record<T>(key: string, runKey: string, stepId: string, output: T): Promise<T> {
    await this.ensure();
    await this.pool.query(
      'INSERT INTO dbarch.migration_pipeline_steps (idempotency_key, run_key, step_id, output) VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING',
      [key, runKey, stepId, JSON.stringify(output)],
    );
    return (await this.read<T>(key)) ?? output;
  }

  /** Replaces the output (for read-only steps that may run again with fresher results). */
  async replace<T>(key: string, runKey: string, stepId: string, output: T): Promise<T> {
    await this.ensure();
    await this.pool.query(
      `INSERT INTO dbarch.migration_pipeline_steps (idempotency_key, run_key, step_id, output) VALUES ($1, $2, $3, $4)
       ON CONFLICT (idempotency_key) DO UPDATE SET output = EXCLUDED.output, recorded_at = now()`,
      [key, runKey, stepId, JSON.stringify(output)],
    );
    return output;
  }

  async read<T>(key: string): Promise<T | undefined> {
    await this.ensure();
    const { rows } = await this.pool.query<{ output: T }>('SELECT output FROM dbarch.migration_pipeline_steps WHERE idempotency_key = $1', [key]);
    return rows[0]?.output;
  }

  async registerVersion(row: {
    environment: string;
    database: string;
    version: string | null;
    fingerprint: string;
    approver: string | null;
    approvedAt: string | null;
    workflowId: string;
    planHash: string;
    idempotencyKey: string;
  }): Promise<{ id: number; recordedAt: string; inserted: boolean }> {
    await this.ensure();
    const inserted = await this.pool.query<{ id: string; recorded_at: Date }>(
      `INSERT INTO dbarch.schema_registry (environment, database, version, fingerprint, approver, approved_at, workflow_id, plan_hash, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, recorded_at`,
      [row.environment, row.database, row.version, row.fingerprint, row.approver, row.approvedAt, row.workflowId, row.planHash, row.idempotencyKey],
    );
    const found = inserted.rows[0] ?? (await this.pool.query<{ id: string; recorded_at: Date }>('SELECT id, recorded_at FROM dbarch.schema_registry WHERE idempotency_key = $1', [row.idempotencyKey])).rows[0];
    return { id: Number(found?.id ?? 0), recordedAt: found?.recorded_at.toISOString() ?? '', inserted: inserted.rowCount === 1 };
  }
}
