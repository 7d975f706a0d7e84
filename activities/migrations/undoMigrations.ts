import { DbarchError } from '../../errors/DbarchError.ts';
import type { ApplyMigrationsInput } from './applyMigrations.ts';
import { assertPlanRunnable } from './applyMigrations.ts';
import { compareVersions, versionParts } from './compareVersions.ts';
import { readHistory } from './historyTable.ts';
import { loadMigrations } from './loadMigrations.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { MigrationFile } from './MigrationFile.ts';
import { planMigrations, versionKey } from './planMigrations.ts';
import type { PreparedMigration } from './prepareMigration.ts';
import { prepareMigration } from './prepareMigration.ts';
import type { AppliedMigration } from './runMigration.ts';
import { runMigrationSteps } from './runMigrationSteps.ts';
import { checkDuration, withMigrationLock } from './withMigrationLock.ts';

export interface UndoMigrationsInput extends Omit<ApplyMigrationsInput, 'target' | 'outOfOrder'> {
  /** Undo every applied version above this one, newest first; `0` undoes them all. */
  readonly target: string;
}

export interface UndoReport {
  readonly status: 'success';
  readonly undone: readonly AppliedMigration[];
  /** Highest version still applied afterwards. */
  readonly currentVersion: string | null;
  readonly lockWaitMs: number;
  readonly executionTimeMs: number;
}

/**
 * Runs the U scripts of every applied version above `target`, in reverse version order, each in its own
 * transaction with an `undo` history row (the version then counts as pending again). Every needed U script
 * is checked and prepared before the first runs, so a missing one stops the rollback before it starts.
 */
export async function undoMigrations(input: UndoMigrationsInput, deps: MigrationDeps): Promise<UndoReport> {
  const started = performance.now();
  versionParts(input.target);
  const defaults = {
    placeholders: input.placeholders ?? {},
    lockTimeout: checkDuration('lockTimeout', input.lockTimeout ?? '10s'),
    statementTimeout: checkDuration('statementTimeout', input.statementTimeout ?? '0'),
  };
  const set = await loadMigrations(input.source);
  const undoByVersion = new Map(set.undo.map((file) => [versionKey(file.version ?? '0'), file]));
  return withMigrationLock(input, deps, async (run) => {
    const { session, history, lockWaitMs } = run;
    const plan = planMigrations(set, await readHistory(session.client, history), { allowMissing: input.allowMissing ?? false, outOfOrder: true });
    assertPlanRunnable(plan);
    const toUndo = plan.files
      .filter((f) => f.kind === 'versioned' && (f.status === 'applied' || f.status === 'missing') && f.version !== null)
      .filter((f) => compareVersions(f.version ?? '0', input.target) > 0)
      .sort((a, b) => compareVersions(b.version ?? '0', a.version ?? '0'));
    const scripts: MigrationFile[] = [];
    const lacking: string[] = [];
    for (const file of toUndo) {
      const undo = undoByVersion.get(versionKey(file.version ?? '0'));
      if (undo) scripts.push(undo);
      else lacking.push(file.script);
    }
    if (lacking.length > 0) {
      throw new DbarchError('DBA_MIGRATION_UNDO_MISSING', `No undo script for ${lacking.join(', ')} (needed to reach version ${input.target})`, {
        details: { scripts: lacking, target: input.target },
      });
    }
    const prepared: PreparedMigration[] = [];
    for (const file of scripts) prepared.push(await prepareMigration(file, defaults));
    const undone = await runMigrationSteps(
      prepared,
      { operation: 'undo', typeOf: () => 'undo', installedBy: input.installedBy ?? null, asyncCommit: input.asyncCommit ?? true },
      run,
      deps,
    );
    const remaining = planMigrations(set, await readHistory(session.client, history), { allowMissing: true, outOfOrder: true });
    deps.onProgress?.({ phase: 'done', completed: undone.length, total: prepared.length });
    return { status: 'success' as const, undone, currentVersion: remaining.currentVersion, lockWaitMs, executionTimeMs: performance.now() - started };
  });
}
