import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { faultAfterCommit } from '../../activities/faultInjection.ts';
import { restoreSchemas } from '../../activities/backup/restoreSchemas.ts';
import { resolveConnectionUrl } from '../../activities/postgres/resolveConnectionUrl.ts';
import { applyMigrations, type ApplyReport } from '../../activities/migrations/applyMigrations.ts';
import { dryRun, type DryRunReport } from '../../activities/migrations/dryRun.ts';
import { lintMigrations, type LintReport } from '../../activities/migrations/lint/lintMigrations.ts';
import { listHistory } from '../../activities/migrations/listHistory.ts';
import type { MigrationDeps, MigrationProgress } from '../../activities/migrations/MigrationDeps.ts';
import { schemaFingerprint } from '../../activities/migrations/schemaFingerprint.ts';
import { undoMigrations } from '../../activities/migrations/undoMigrations.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import type { InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { keyOf, restoreBackupId } from '../backup/backupPlugin.ts';
import { userSchemas } from '../backup/userSchemas.ts';
import type { PluginSteps } from '../definePlugin.ts';
import type { PluginDeps } from '../PluginDeps.ts';
import type { StepContext } from '../StepContext.ts';
import { checkMigrationFiles } from './checkMigrationFiles.ts';
import { acquireEnvironmentLease, releaseEnvironmentLease, type LeaseKey } from './environmentLease.ts';
import { migrationStepSchema, type MigrationTargetInput } from './MigrationTargetInput.ts';
import { compensatedStep, pipelineRunKey, stepKey } from './pipelineRunKey.ts';
import { PipelineStepStore } from './pipelineStepStore.ts';
import { createScratchCopy, dropScratch, scratchDatabaseName } from './scratchCopy.ts';

const defaultHistorySchema = 'dbarch_history';

export interface StagingResult {
  readonly scratchDatabase: string;
  readonly applied: readonly string[];
  readonly currentVersion: string | null;
  readonly fingerprint: string;
  readonly schemas: readonly string[];
}

export interface Checkpoint {
  readonly currentVersion: string | null;
  readonly fingerprint: string;
  readonly schemas: readonly string[];
  readonly at: string;
}

export interface RollbackResult {
  readonly mode: 'undo' | 'restore';
  readonly undone?: readonly string[];
  readonly restoredBackup?: string;
  readonly droppedSchemas?: readonly string[];
  readonly versionBefore: string | null;
  readonly versionAfter: string | null;
  readonly fingerprintBefore: string;
  readonly fingerprintAfter: string;
  readonly atPreMigrationFingerprint: boolean;
}

/** What migrations/apply reports: the engine's report, and what earlier attempts of this step committed. */
export interface ApplyStepReport extends ApplyReport {
  /**
   * True when an earlier attempt of this step had already committed everything (its completion never reached the
   * workflow, say because its worker died right after the commit) and nothing ran this time, as builtin/sql says.
   */
  readonly alreadyApplied: boolean;
  /** Scripts this workflow's earlier attempts of this step committed; `applied` lists only this attempt's. */
  readonly appliedByEarlierAttempts: readonly { readonly script: string; readonly version: string | null; readonly installedRank: number }[];
}

type ReportInput = MigrationTargetInput & { readonly environment?: string; readonly lint_step?: string; readonly staging_step?: string; readonly rollback_on_error?: string; readonly backup_before_migrate?: boolean };
type VerifyInput = MigrationTargetInput & { readonly staging_step?: string };
type RollbackInput = MigrationTargetInput & { readonly mode: 'undo' | 'restore' | 'none'; readonly destination?: string; readonly backup_step?: string; readonly key_reference?: string | null };
type RecordInput = MigrationTargetInput & { readonly environment: string; readonly verify_step?: string; readonly approval_gate?: string };

const leaseInput = {
  type: 'object',
  additionalProperties: false,
  required: ['environment', 'database'],
  properties: { environment: { type: 'string', minLength: 1 }, database: { type: 'string', minLength: 1 } },
};

/**
 * The migration pipeline's steps, each a thin, idempotent wrapper over the engine (activities/migrations/):
 * outputs that later steps need are recorded in the control database by idempotency key.
 */
export function migrationSteps(deps: PluginDeps): PluginSteps {
  const store = new PipelineStepStore(deps.postgres(), deps.urls.postgres);
  const target = (input: MigrationTargetInput) => resolveConnectionUrl(input, deps.urls.postgres);
  const history = (input: MigrationTargetInput) => input.history_schema ?? defaultHistorySchema;
  const lockWait = (input: MigrationTargetInput) => {
    if (input.lock_timeout === undefined) return {};
    const parsed = parseDuration(input.lock_timeout);
    // Never fall back silently: a mistyped wait would quietly become the engine's default.
    if (!parsed.ok) throw new DbarchError('DBA_PLAN_STEP_INPUT', `lock_timeout ${JSON.stringify(input.lock_timeout)}: ${parsed.message}`, { hint: parsed.hint ?? 'Write a duration such as 30s, 5m or 1h.' });
    return { lockWaitTimeoutMs: parsed.value };
  };
  const progress = (ctx: StepContext) => (p: MigrationProgress) => ctx.heartbeat(p);
  /**
   * The engine's dependencies for a step, with the step's abort signal: on a cancellation or a worker shutdown the
   * engine cancels the running script (it rolls back) and starts no other, throwing DBA_MIGRATION_ABORTED; the step
   * wrapper then reports a cancellation, or the retryable DBA_STEP_INTERRUPTED on a shutdown.
   */
  const engineDeps = (db: string, ctx: StepContext): MigrationDeps => ({ db, onProgress: progress(ctx), logger: ctx.log, signal: ctx.signal });
  const fingerprint = async (url: string, input: MigrationTargetInput) => schemaFingerprint({ historySchema: history(input) }, { db: url });
  const currentVersion = async (url: string, input: MigrationTargetInput) =>
    (await dryRun({ source: { dir: input.directory }, historySchema: history(input), ...(input.placeholders ? { placeholders: input.placeholders } : {}) }, { db: url })).currentVersion;
  const lint = async (input: MigrationTargetInput): Promise<LintReport> => lintMigrations({ source: { dir: input.directory }, ...(input.placeholders ? { placeholders: input.placeholders } : {}) });

  return {
    lint: {
      input: migrationStepSchema({}, ['directory']),
      describe: (input: MigrationTargetInput) => `lint the migration files in ${input.directory}`,
      defaults: { timeout: '2m', retry: { attempts: 2, nonRetryable: ['DBA_PIPELINE_LINT_FAILED', 'DBA_PIPELINE_FILES_CHANGED'] } },
      run: async (input: MigrationTargetInput, ctx: StepContext) => {
        checkMigrationFiles(input);
        const report = await lint(input);
        await store.replace(ctx.idempotencyKey, pipelineRunKey(ctx), ctx.stepId, report);
        if (!report.ok) {
          const errors = report.findings.filter((f) => f.severity === 'error');
          throw new DbarchError('DBA_PIPELINE_LINT_FAILED', `lint found ${errors.length} error(s): ${errors.slice(0, 5).map((f) => `${f.script}:${f.line}:${f.column} ${f.ruleId}`).join(', ')}`, { details: { findings: errors } });
        }
        return { ok: report.ok, files: report.files, statements: report.statements, counts: report.counts, findings: report.findings };
      },
    },
    dry_run: {
      input: migrationStepSchema({ environment: { type: 'string' } }),
      describe: (input: MigrationTargetInput) => `show the exact SQL that would run on ${input.database}, in order`,
      defaults: { timeout: '2m', retry: { attempts: 3, nonRetryable: ['DBA_PIPELINE_FILES_CHANGED'] } },
      run: async (input: MigrationTargetInput & { environment?: string }, ctx: StepContext): Promise<DryRunReport> => {
        checkMigrationFiles(input);
        return dryRun({ source: { dir: input.directory }, environment: input.environment ?? ctx.environment, historySchema: history(input), ...(input.placeholders ? { placeholders: input.placeholders } : {}) }, { db: target(input) });
      },
    },
    test_on_staging: {
      input: migrationStepSchema(),
      describe: (input: MigrationTargetInput) => `apply the pending migrations to a scratch copy of ${input.database}'s schema and fingerprint the result`,
      defaults: { timeout: '30m', heartbeatTimeout: '30s', retry: { attempts: 3, nonRetryable: ['DBA_PIPELINE_FILES_CHANGED', 'DBA_MIGRATION_FAILED'] } },
      run: async (input: MigrationTargetInput, ctx: StepContext): Promise<StagingResult> => {
        const recorded = await store.read<StagingResult>(ctx.idempotencyKey);
        if (recorded) return recorded;
        checkMigrationFiles(input);
        const url = target(input);
        const scratch = scratchDatabaseName(ctx.idempotencyKey);
        const scratchUrl = await createScratchCopy(url, scratch, history(input), ctx.signal);
        try {
          const applied = await applyMigrations(
            { source: { dir: input.directory }, historySchema: history(input), installedBy: ctx.workflowId, ...(input.placeholders ? { placeholders: input.placeholders } : {}) },
            engineDeps(scratchUrl, ctx),
          );
          const print = await fingerprint(scratchUrl, input);
          const result: StagingResult = { scratchDatabase: scratch, applied: applied.applied.map((a) => a.script), currentVersion: applied.currentVersion, fingerprint: print.fingerprint, schemas: print.schemas };
          return await store.record(ctx.idempotencyKey, pipelineRunKey(ctx), ctx.stepId, result);
        } finally {
          await dropScratch(url, scratch).catch((error: unknown) => ctx.log.warn({ scratch, error: (error as Error).message }, 'scratch database not dropped'));
        }
      },
    },
    report: {
      input: migrationStepSchema({ environment: { type: 'string' }, lint_step: { type: 'string' }, staging_step: { type: 'string' }, rollback_on_error: { type: 'string' }, backup_before_migrate: { type: 'boolean' } }),
      describe: (input: MigrationTargetInput) => `migration report for ${input.database}: files, exact SQL in order, lint and staging results`,
      defaults: { timeout: '2m', retry: { attempts: 3, nonRetryable: ['DBA_PIPELINE_FILES_CHANGED'] } },
      run: async (input: ReportInput, ctx: StepContext) => {
        checkMigrationFiles(input);
        const plan = await dryRun({ source: { dir: input.directory }, environment: input.environment ?? ctx.environment, historySchema: history(input), ...(input.placeholders ? { placeholders: input.placeholders } : {}) }, { db: target(input) });
        const lintReport = await store.read<LintReport>(stepKey(ctx, input.lint_step ?? 'lint'));
        const staging = await store.read<StagingResult>(stepKey(ctx, input.staging_step ?? 'test_on_staging'));
        const report = {
          environment: input.environment ?? ctx.environment,
          database: input.database,
          currentVersion: plan.currentVersion,
          pending: plan.steps.map((step) => ({ order: step.order, script: step.script, version: step.version, transactional: step.transactional, sql: step.sql })),
          issues: plan.issues,
          lint: lintReport ? { ok: lintReport.ok, counts: lintReport.counts, warnings: lintReport.findings.filter((f) => f.severity === 'warning').map((f) => `${f.script}:${f.line} ${f.ruleId}`) } : null,
          staging: staging ? { fingerprint: staging.fingerprint, versionAfter: staging.currentVersion, applied: staging.applied } : null,
          backupBeforeMigrate: input.backup_before_migrate ?? null,
          rollbackOnError: input.rollback_on_error ?? null,
          planHash: ctx.planHash,
        };
        return store.replace(ctx.idempotencyKey, pipelineRunKey(ctx), ctx.stepId, report);
      },
    },
    checkpoint: {
      input: migrationStepSchema(),
      describe: (input: MigrationTargetInput) => `record ${input.database}'s version and schema fingerprint before migrating (what a rollback returns to)`,
      defaults: { timeout: '2m', retry: { attempts: 5 } },
      run: async (input: MigrationTargetInput, ctx: StepContext): Promise<Checkpoint> => {
        const recorded = await store.read<Checkpoint>(ctx.idempotencyKey);
        if (recorded) return recorded;
        const url = target(input);
        const print = await fingerprint(url, input);
        const checkpoint: Checkpoint = { currentVersion: await currentVersion(url, input), fingerprint: print.fingerprint, schemas: await userSchemas(url), at: new Date().toISOString() };
        return store.record(ctx.idempotencyKey, pipelineRunKey(ctx), ctx.stepId, checkpoint);
      },
    },
    apply: {
      input: migrationStepSchema(),
      describe: (input: MigrationTargetInput) => `apply the pending migrations to ${input.database} (under the migration lock, each in its own transaction)`,
      defaults: { timeout: '2h', heartbeatTimeout: '30s', retry: { attempts: 5, nonRetryable: ['DBA_PIPELINE_FILES_CHANGED', 'DBA_MIGRATION_FAILED'] } },
      run: async (input: MigrationTargetInput, ctx: StepContext): Promise<ApplyStepReport> => {
        checkMigrationFiles(input);
        const url = target(input);
        const lastRank = async () => (await listHistory({ historySchema: history(input) }, { db: url })).at(-1)?.installedRank ?? 0;
        // Where the history stood before this step's first attempt, recorded once: the rows this workflow added above
        // it that this attempt did not apply were committed by an earlier attempt.
        const startKey = `${ctx.idempotencyKey}:start`;
        const start = (await store.read<{ installedRank: number }>(startKey)) ?? (await store.record(startKey, pipelineRunKey(ctx), ctx.stepId, { installedRank: await lastRank() }));
        const report = await applyMigrations(
          { source: { dir: input.directory }, historySchema: history(input), installedBy: ctx.workflowId, ...lockWait(input), ...(input.placeholders ? { placeholders: input.placeholders } : {}) },
          engineDeps(url, ctx),
        );
        if (report.applied.length > 0) faultAfterCommit(ctx.stepId);
        const now = new Set(report.applied.map((a) => a.installedRank));
        const earlier = (await listHistory({ historySchema: history(input) }, { db: url }))
          .filter((row) => row.installedRank > start.installedRank && row.installedBy === ctx.workflowId && row.success && (row.type === 'versioned' || row.type === 'repeatable') && !now.has(row.installedRank))
          .map((row) => ({ script: row.script, version: row.version, installedRank: row.installedRank }));
        return { ...report, alreadyApplied: report.applied.length === 0 && earlier.length > 0, appliedByEarlierAttempts: earlier };
      },
    },
    acquire_environment: {
      input: leaseInput,
      describe: (input: LeaseKey) => `wait until no other migration pipeline of ${input.environment} runs on ${input.database}, then hold its lease until this one ends`,
      // Waits as long as the pipeline ahead of it (an approval may take days); heartbeats while it waits.
      defaults: { timeout: '24h', heartbeatTimeout: '10s', retry: { attempts: 5 } },
      run: (input: LeaseKey, ctx: StepContext) =>
        acquireEnvironmentLease(deps.postgres(), deps.urls.postgres, { environment: input.environment, database: input.database }, { holder: pipelineRunKey(ctx), workflowId: ctx.workflowId }, {
          isClosed: (workflowId) => workflowClosed(workflowId, ctx),
          onWait: (wait) => ctx.heartbeat(wait),
          signal: ctx.signal,
        }),
    },
    release_environment: {
      input: leaseInput,
      describe: (input: LeaseKey) => `release ${input.environment}'s migration lease on ${input.database}, so the next pipeline can start`,
      defaults: { timeout: '1m', retry: { attempts: 10 } },
      run: async (input: LeaseKey, ctx: StepContext) => ({
        ...input,
        ...(await releaseEnvironmentLease(deps.postgres(), deps.urls.postgres, { environment: input.environment, database: input.database }, pipelineRunKey(ctx))),
      }),
    },
    verify: {
      input: migrationStepSchema({ staging_step: { type: 'string' } }),
      describe: (input: MigrationTargetInput) => `compare ${input.database}'s schema fingerprint with the staging test's`,
      defaults: { timeout: '2m', retry: { attempts: 3, nonRetryable: ['DBA_PIPELINE_VERIFY_MISMATCH'] } },
      run: async (input: VerifyInput, ctx: StepContext) => {
        const url = target(input);
        const print = await schemaFingerprint({ historySchema: history(input), includeCatalog: true }, { db: url });
        const staging = await store.read<StagingResult>(stepKey(ctx, input.staging_step ?? 'test_on_staging'));
        const version = await currentVersion(url, input);
        const result = { fingerprint: print.fingerprint, expected: staging?.fingerprint ?? null, matches: staging ? staging.fingerprint === print.fingerprint : null, currentVersion: version };
        await store.replace(ctx.idempotencyKey, pipelineRunKey(ctx), ctx.stepId, result);
        if (result.matches === false) {
          throw new DbarchError('DBA_PIPELINE_VERIFY_MISMATCH', `${input.database} has fingerprint ${print.fingerprint.slice(0, 12)} after applying, the staging test reached ${staging?.fingerprint.slice(0, 12) ?? '?'}`, { details: result });
        }
        return result;
      },
    },
    undo: {
      input: migrationStepSchema({ target: { type: 'string', minLength: 1 } }, ['database', 'directory', 'target']),
      describe: (input: MigrationTargetInput & { target: string }) => `run the undo scripts of ${input.database} down to version ${input.target}, newest first`,
      defaults: { timeout: '2h', heartbeatTimeout: '30s', retry: { attempts: 5, nonRetryable: ['DBA_MIGRATION_UNDO_MISSING', 'DBA_MIGRATION_FAILED'] } },
      run: async (input: MigrationTargetInput & { target: string }, ctx: StepContext) =>
        undoMigrations(
          { source: { dir: input.directory }, target: input.target, historySchema: history(input), installedBy: ctx.workflowId, ...lockWait(input), ...(input.placeholders ? { placeholders: input.placeholders } : {}) },
          engineDeps(target(input), ctx),
        ),
    },
    rollback: {
      input: migrationStepSchema({ mode: { enum: ['undo', 'restore', 'none'] }, destination: { type: 'string' }, backup_step: { type: 'string' }, key_reference: { type: ['string', 'null'], minLength: 1 } }, ['database', 'directory', 'mode']),
      describe: (input: RollbackInput) => `roll ${input.database} back to the checkpoint by ${input.mode === 'restore' ? 'restoring the pre-migration backup' : 'running the undo scripts in reverse'}`,
      defaults: { timeout: '2h', heartbeatTimeout: '30s', retry: { attempts: 5, nonRetryable: ['DBA_PIPELINE_NO_BACKUP', 'DBA_PIPELINE_ROLLBACK_INCOMPLETE', 'DBA_MIGRATION_UNDO_MISSING', 'DBA_BACKUP_CORRUPT'] } },
      run: (input: RollbackInput, ctx: StepContext) => rollback(input, ctx),
    },
    record_registry: {
      input: migrationStepSchema({ environment: { type: 'string', minLength: 1 }, verify_step: { type: 'string' }, approval_gate: { type: 'string' } }, ['environment', 'database', 'directory']),
      describe: (input: RecordInput) => `record ${input.environment}'s new version and fingerprint in dbarch.schema_registry`,
      defaults: { timeout: '1m', retry: { attempts: 5 } },
      run: async (input: RecordInput, ctx: StepContext) => {
        const verified = await store.read<{ fingerprint: string; currentVersion: string | null }>(stepKey(ctx, input.verify_step ?? 'verify'));
        const url = target(input);
        const facts = verified ?? { fingerprint: (await fingerprint(url, input)).fingerprint, currentVersion: await currentVersion(url, input) };
        const approval = await approvalOf(ctx, input.approval_gate ?? 'approve');
        const row = await store.registerVersion({
          environment: input.environment,
          database: input.database,
          version: facts.currentVersion,
          fingerprint: facts.fingerprint,
          approver: approval?.identity ?? null,
          approvedAt: approval?.at ?? null,
          workflowId: ctx.workflowId,
          planHash: ctx.planHash,
          idempotencyKey: ctx.idempotencyKey,
        });
        return { registryId: row.id, environment: input.environment, version: facts.currentVersion, fingerprint: facts.fingerprint, approver: approval?.identity ?? null, recordedAt: row.recordedAt };
      },
    },
  };

  async function rollback(input: RollbackInput, ctx: StepContext): Promise<RollbackResult> {
    if (input.mode === 'none') throw new DbarchError('DBA_PIPELINE_ROLLBACK_INCOMPLETE', 'rollback_on_error is none: nothing was rolled back');
    const checkpoint = await store.read<Checkpoint>(stepKey(ctx, compensatedStep(ctx)));
    if (!checkpoint) throw new DbarchError('DBA_PIPELINE_ROLLBACK_INCOMPLETE', `no checkpoint recorded by step ${compensatedStep(ctx)}: the rollback has no state to return to`);
    const url = target(input);
    const versionBefore = await currentVersion(url, input);
    let result: Omit<RollbackResult, 'versionAfter' | 'fingerprintAfter' | 'atPreMigrationFingerprint' | 'versionBefore' | 'fingerprintBefore'>;
    if (input.mode === 'undo') {
      const undone = await undoMigrations(
        { source: { dir: input.directory }, target: checkpoint.currentVersion ?? '0', historySchema: history(input), installedBy: ctx.workflowId, ...(input.placeholders ? { placeholders: input.placeholders } : {}) },
        engineDeps(url, ctx),
      );
      result = { mode: 'undo', undone: undone.undone.map((u) => u.script) };
    } else {
      if (!input.destination) throw new DbarchError('DBA_PIPELINE_NO_BACKUP', 'rollback by restore needs the backup destination');
      const backupId = restoreBackupId({ backup_step: input.backup_step ?? 'backup' }, ctx);
      try {
        await restoreSchemas(deps, { pgBinDir: process.env.DBARCH_PG_BINDIR || undefined })({ databaseUrl: url, destination: input.destination, backupId, allowDependents: true, ...keyOf(input) });
      } catch (error) {
        if (isDbarchError(error) && error.code === 'DBA_BACKUP_NOT_FOUND') throw new DbarchError('DBA_PIPELINE_NO_BACKUP', `no pre-migration backup ${backupId} to restore`, { cause: error });
        throw error;
      }
      // Schemas the migration created did not exist at the checkpoint: the backup does not hold them.
      const created = (await userSchemas(url)).filter((schema) => !checkpoint.schemas.includes(schema));
      if (created.length > 0) {
        const pool = deps.postgres(url);
        await pool.query(created.map((schema) => `DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`).join('; '));
      }
      result = { mode: 'restore', restoredBackup: backupId, droppedSchemas: created };
    }
    const after = await fingerprint(url, input);
    const outcome: RollbackResult = {
      ...result,
      versionBefore,
      versionAfter: await currentVersion(url, input),
      fingerprintBefore: checkpoint.fingerprint,
      fingerprintAfter: after.fingerprint,
      atPreMigrationFingerprint: after.fingerprint === checkpoint.fingerprint,
    };
    await store.replace(ctx.idempotencyKey, pipelineRunKey(ctx), ctx.stepId, outcome);
    if (!outcome.atPreMigrationFingerprint) {
      throw new DbarchError('DBA_PIPELINE_ROLLBACK_INCOMPLETE', `rolled back by ${outcome.mode}, but ${input.database} is at fingerprint ${after.fingerprint.slice(0, 12)}, not the pre-migration ${checkpoint.fingerprint.slice(0, 12)}`, { details: { ...outcome } });
    }
    return outcome;
  }
}

const closedStatuses = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

/** Whether a workflow has ended, asked of Temporal; when Temporal cannot tell, it is taken as running (keep waiting). */
async function workflowClosed(workflowId: string, ctx: StepContext): Promise<boolean> {
  try {
    const { status } = await Context.current().client.workflow.getHandle(workflowId).describe();
    return closedStatuses.has(status.name);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return true;
    ctx.log.warn({ workflowId, error: (error as Error).message }, 'could not tell whether the lease holder is still running');
    return false;
  }
}

/** Who approved the gate, read from the workflow's own status query (the approvals live in its history). */
async function approvalOf(ctx: StepContext, gate: string): Promise<{ identity: string; at: string } | undefined> {
  try {
    const status = await Context.current().client.workflow.getHandle(ctx.workflowId).query<InterpreterStatus>('status');
    const approvals = status.approvals.filter((a) => a.gate === gate && a.decision === 'approve');
    if (approvals.length === 0) return undefined;
    return { identity: approvals.map((a) => a.identity).join(', '), at: approvals.at(-1)?.at ?? '' };
  } catch (error) {
    ctx.log.warn({ error: (error as Error).message }, 'approver not read from the workflow status');
    return undefined;
  }
}
