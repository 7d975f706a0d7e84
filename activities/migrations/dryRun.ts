import { isDbarchError } from '../../errors/DbarchError.ts';
import type { HistoryRow } from './historyTable.ts';
import { loadMigrations } from './loadMigrations.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { MigrationSource } from './MigrationSource.ts';
import { listHistory } from './listHistory.ts';
import type { PlanIssue, PlannedFile } from './planMigrations.ts';
import { planMigrations } from './planMigrations.ts';
import { prepareMigration } from './prepareMigration.ts';
import { checkDuration } from './withMigrationLock.ts';

export interface DryRunInput {
  readonly source: MigrationSource;
  /** Echoed in the report so reports of several environments can be told apart. */
  readonly environment?: string | null;
  readonly placeholders?: Readonly<Record<string, string>>;
  readonly target?: string | null;
  readonly outOfOrder?: boolean;
  readonly allowMissing?: boolean;
  readonly historySchema?: string;
  readonly historyTable?: string;
  readonly lockTimeout?: string;
  readonly statementTimeout?: string;
}

/** One script that would run, with the exact SQL (placeholders substituted) and how it would run. */
export interface DryRunStep {
  readonly order: number;
  readonly script: string;
  readonly version: string | null;
  readonly kind: 'versioned' | 'repeatable';
  /** false for `-- dbarch:no-transaction`: the statements run one by one in autocommit. */
  readonly transactional: boolean;
  readonly lockTimeout: string;
  readonly statementTimeout: string;
  readonly sql: string;
  /** Top-level statements in order, as the parser splits them. */
  readonly statements: readonly string[];
}

export interface DryRunReport {
  readonly environment: string | null;
  /** False when run without a database: every script then counts as pending. */
  readonly connected: boolean;
  readonly files: readonly PlannedFile[];
  readonly steps: readonly DryRunStep[];
  /** Everything that would stop apply (validation and preparation), all at once; empty when apply would start. */
  readonly issues: readonly PlanIssue[];
  readonly currentVersion: string | null;
  readonly baselineVersion: string | null;
}

/**
 * What apply would do in one environment, without changing anything and without the lock: status per file
 * (applied, pending, outdated …), the ordered SQL that would run, and every problem that would stop it.
 * `deps.db` is optional: without it the plan is made against an empty history (offline, e.g. in CI).
 */
export async function dryRun(input: DryRunInput, deps: Partial<MigrationDeps>): Promise<DryRunReport> {
  const defaults = {
    placeholders: input.placeholders ?? {},
    lockTimeout: checkDuration('lockTimeout', input.lockTimeout ?? '10s'),
    statementTimeout: checkDuration('statementTimeout', input.statementTimeout ?? '0'),
  };
  const set = await loadMigrations(input.source);
  const history: HistoryRow[] = deps.db === undefined ? [] : await listHistory({ ...input, applicationName: 'dbarch-dry-run' }, { db: deps.db });
  const plan = planMigrations(set, history, input);
  const issues: PlanIssue[] = [...plan.issues];
  const steps: DryRunStep[] = [];
  for (const file of plan.steps) {
    try {
      const prepared = await prepareMigration(file, defaults);
      steps.push({
        order: steps.length + 1,
        script: file.script,
        version: file.version,
        kind: file.kind === 'repeatable' ? 'repeatable' : 'versioned',
        transactional: prepared.transactional,
        lockTimeout: prepared.lockTimeout,
        statementTimeout: prepared.statementTimeout,
        sql: prepared.sql,
        statements: prepared.statements.map((s) => s.text),
      });
    } catch (error) {
      if (!isDbarchError(error)) throw error;
      issues.push({ code: error.code, script: file.script, message: error.message, details: error.details });
    }
  }
  return {
    environment: input.environment ?? null,
    connected: deps.db !== undefined,
    files: plan.files,
    steps,
    issues,
    currentVersion: plan.currentVersion,
    baselineVersion: plan.baselineVersion,
  };
}
