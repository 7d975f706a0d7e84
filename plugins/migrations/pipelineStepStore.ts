import type pg from 'pg';
import { ensureDbarchSchema } from '../../activities/schema/ensureDbarchSchema.ts';

/**
 * Outputs of pipeline steps in the control database (`dbarch.migration_pipeline_steps`), keyed by idempotency
 * key: later steps read earlier ones (verify reads the staging fingerprint, rollback the checkpoint), and a step
 * whose effect must happen once returns what it recorded the first time.
 */
export class PipelineStepStore {
  /** `pool` and `url` are the control database's: its tables come from dbarch's control migrations (V3__migration_pipeline.sql). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  private async ensure(): Promise<void> {
    await ensureDbarchSchema('control', this.url);
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
