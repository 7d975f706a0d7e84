import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { dryRun } from '../../activities/migrations/dryRun.ts';
import { awaitPlanRun } from '../../app/awaitPlanRun.ts';
import { migrationEnvironments } from '../../app/migrationEnvironments.ts';
import { startMigration } from '../../app/startMigration.ts';
import { untilGateOrEnd } from '../../app/untilGateOrEnd.ts';
import { stringEnum } from '../../compiler/schema/stringEnum.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { errorCodes } from '../../errors/registry.ts';
import type { ApiServerOptions } from '../ApiServerOptions.ts';
import { ErrorBody } from '../errorBody.ts';

/** The seed's request. Unknown fields are refused: a misspelt `dry_run` must not start a real migration. */
const MigrationRequest = Type.Object(
  {
    environment: Type.String({ minLength: 1 }),
    migration_files: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 10_000 })),
    dry_run: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
type MigrationRequest = Static<typeof MigrationRequest>;

const Done = Type.Object({
  migration_id: Type.String(),
  status: stringEnum(['success', 'dry_run']),
  applied_migrations: Type.Integer(),
  pending_migrations: Type.Optional(Type.Integer()),
  migrations: Type.Optional(Type.Array(Type.Object({ order: Type.Integer(), file: Type.String(), transactional: Type.Boolean(), sql: Type.String() }))),
  execution_time_ms: Type.Integer(),
});

const Waiting = Type.Object({
  migration_id: Type.String(),
  status: stringEnum(['awaiting_approval', 'running']),
  applied_migrations: Type.Integer(),
  plan_hash: Type.String(),
  execution_time_ms: Type.Integer(),
});

/** 422 is a failed run (with its rollback) or a spec or plan that cannot be used (the error alone). */
const Failed = Type.Object({
  migration_id: Type.Optional(Type.String()),
  status: Type.Optional(stringEnum(['failed', 'rolled_back'])),
  applied_migrations: Type.Optional(Type.Integer()),
  execution_time_ms: Type.Optional(Type.Integer()),
  rollback: Type.Optional(Type.Unknown()),
  error: ErrorBody.properties.error,
});

/**
 * `POST /api/v1/migrations`: checks the named files against the environment's pending ones, then either answers a
 * dry run (nothing started) or starts the pipeline and answers once it has ended or opened its approval gate.
 */
export function migrationsRoute(app: FastifyInstance, options: ApiServerOptions): void {
  const schema = { body: MigrationRequest, response: { 200: Done, 202: Waiting, 422: Failed, '4xx': ErrorBody, '5xx': ErrorBody } };
  app.post<{ Body: MigrationRequest }>('/api/v1/migrations', { schema }, async (request, reply) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const { environment, migration_files: files } = request.body;
    const [env] = await migrationEnvironments(options.specPath, options.registry, environment);
    if (!env) throw new DbarchError('DBA_PLAN_ENVIRONMENT_UNKNOWN', `environment "${environment}" is not declared`);
    const report = await dryRun({ source: { dir: env.directory }, environment }, { db: env.url });
    const known = new Set(report.files.map((f) => f.script));
    const unknown = (files ?? []).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new DbarchError('DBA_API_BAD_REQUEST', `not in the spec's migrations directory: ${unknown.join(', ')}`);
    const pendingNotNamed = files === undefined ? [] : report.steps.filter((s) => !files.includes(s.script)).map((s) => s.script);
    if (pendingNotNamed.length > 0) {
      throw new DbarchError('DBA_API_BAD_REQUEST', `the pipeline applies every pending file in order; also name ${pendingNotNamed.join(', ')} (or leave migration_files out)`);
    }
    if (request.body.dry_run === true) {
      const digest = createHash('sha256').update(JSON.stringify(report.steps.map((s) => [s.script, s.sql]))).digest('hex');
      return reply.code(200).send({
        migration_id: `dry:${environment}:${digest.slice(0, 16)}`,
        status: 'dry_run',
        applied_migrations: 0,
        pending_migrations: report.steps.length,
        migrations: report.steps.map((s) => ({ order: s.order, file: s.script, transactional: s.transactional, sql: s.sql })),
        execution_time_ms: elapsed(),
      });
    }
    const run = await startMigration(options.client, { specPath: options.specPath, environment, taskQueue: options.taskQueue, registry: options.registry });
    if (!run.alreadyDone && run.plan.root.nodes.some((node) => node.kind === 'gate')) {
      // Waits for a person once the gate opens: answer then with where to approve. Until then the run may still
      // fail (lint, test on the scratch copy): that answer is the failure below, not a 202.
      const reached = await untilGateOrEnd(options.client.workflow.getHandle(run.workflowId), options.gateWaitMs ?? 10 * 60_000);
      if (reached !== 'ended') {
        return reply.code(202).send({
          migration_id: run.workflowId,
          status: reached === 'gate' ? 'awaiting_approval' : 'running',
          applied_migrations: 0,
          plan_hash: run.plan.hash,
          execution_time_ms: elapsed(),
        });
      }
    }
    const outcome = await awaitPlanRun(options.client, run.workflowId);
    if (outcome.ok) {
      const applied = (outcome.result.steps.apply?.output as { applied?: unknown[] } | undefined)?.applied?.length ?? 0;
      return reply.code(200).send({ migration_id: run.workflowId, status: 'success', applied_migrations: run.alreadyDone ? 0 : applied, execution_time_ms: elapsed() });
    }
    const rollback = outcome.result?.steps.checkpoint?.compensation;
    return reply.code(422).send({
      migration_id: run.workflowId,
      status: rollback?.status === 'succeeded' ? 'rolled_back' : 'failed',
      applied_migrations: 0,
      execution_time_ms: elapsed(),
      rollback: rollback?.output ?? null,
      error: { code: outcome.code, message: outcome.message, hint: Object.hasOwn(errorCodes, outcome.code) ? errorCodes[outcome.code as keyof typeof errorCodes].hint : '' },
    });
  });
}
