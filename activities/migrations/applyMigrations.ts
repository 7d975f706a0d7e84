import { DbarchError } from '../../errors/DbarchError.ts';
import { compareVersions } from './compareVersions.ts';
import { readHistory } from './historyTable.ts';
import { loadMigrations } from './loadMigrations.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { MigrationRunOptions } from './MigrationRunOptions.ts';
import type { MigrationSource } from './MigrationSource.ts';
import type { MigrationPlan } from './planMigrations.ts';
import { planMigrations } from './planMigrations.ts';
import type { PreparedMigration } from './prepareMigration.ts';
import { prepareMigration } from './prepareMigration.ts';
import type { AppliedMigration } from './runMigration.ts';
import { runMigrationSteps } from './runMigrationSteps.ts';
import { checkDuration, withMigrationLock } from './withMigrationLock.ts';

export interface ApplyMigrationsInput extends MigrationRunOptions {
  readonly source: MigrationSource;
  /** Values for `${name}` in this environment. */
  readonly placeholders?: Readonly<Record<string, string>>;
  /** Apply versions up to and including this one. */
  readonly target?: string | null;
  readonly outOfOrder?: boolean;
  readonly allowMissing?: boolean;
  /** lock_timeout of each transactional migration unless its file says otherwise. Default `10s`. */
  readonly lockTimeout?: string;
  /** statement_timeout of each migration unless its file says otherwise. Default `0` (none). */
  readonly statementTimeout?: string;
  /**
   * Commit each migration without waiting for its WAL flush and flush once at the end of the run
   * (default true). Every migration still commits atomically with its history row; a server crash during
   * the run can only lose a suffix of migrations together with their rows, which the next run re-applies.
   */
  readonly asyncCommit?: boolean;
}

export interface ApplyReport {
  readonly status: 'success';
  readonly applied: readonly AppliedMigration[];
  readonly currentVersion: string | null;
  readonly lockWaitMs: number;
  readonly executionTimeMs: number;
}

/** Throws the first plan issue's code with every issue listed (all problems at once). */
export function assertPlanRunnable(plan: MigrationPlan): void {
  const [first] = plan.issues;
  if (first) {
    throw new DbarchError(first.code, plan.issues.map((issue) => issue.message).join('\n'), {
      details: { script: first.script, ...first.details, issues: plan.issues },
    });
  }
}

/**
 * Applies pending migrations: lock, read history, validate (checksums, failures, missing, order), prepare
 * every pending script (placeholders, parse) and only then run them, one transaction each. Idempotent: a
 * second call, or a retry after a crash or an abort (`deps.signal`), applies only what the history table does
 * not hold.
 */
export async function applyMigrations(input: ApplyMigrationsInput, deps: MigrationDeps): Promise<ApplyReport> {
  const started = performance.now();
  const defaults = {
    placeholders: input.placeholders ?? {},
    lockTimeout: checkDuration('lockTimeout', input.lockTimeout ?? '10s'),
    statementTimeout: checkDuration('statementTimeout', input.statementTimeout ?? '0'),
  };
  const set = await loadMigrations(input.source);
  return withMigrationLock(input, deps, async (run) => {
    const history = await readHistory(run.session.client, run.history);
    const plan = planMigrations(set, history, input);
    assertPlanRunnable(plan);
    const prepared: PreparedMigration[] = [];
    for (const file of plan.steps) prepared.push(await prepareMigration(file, defaults));

    const applied = await runMigrationSteps(
      prepared,
      {
        operation: 'apply',
        typeOf: (step) => (step.file.kind === 'repeatable' ? 'repeatable' : 'versioned'),
        installedBy: input.installedBy ?? null,
        asyncCommit: input.asyncCommit ?? true,
      },
      run,
      deps,
    );
    deps.onProgress?.({ phase: 'done', completed: applied.length, total: prepared.length });
    let currentVersion = plan.currentVersion;
    for (const { version } of applied) {
      if (version !== null && (currentVersion === null || compareVersions(version, currentVersion) > 0)) currentVersion = version;
    }
    return {
      status: 'success' as const,
      applied,
      currentVersion,
      lockWaitMs: run.lockWaitMs,
      executionTimeMs: performance.now() - started,
    };
  });
}
