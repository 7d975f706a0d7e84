import { isDbarchError } from '../../errors/DbarchError.ts';
import { cancelOnAbort } from './cancelOnAbort.ts';
import type { HistoryRowType } from './historyTable.ts';
import { migrationAborted } from './migrationAborted.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import type { PreparedMigration } from './prepareMigration.ts';
import type { AppliedMigration } from './runMigration.ts';
import { flushCommits, runMigration } from './runMigration.ts';
import type { LockedRun } from './withMigrationLock.ts';

export interface StepsOptions {
  readonly operation: 'apply' | 'undo';
  /** History row type of each script. */
  readonly typeOf: (step: PreparedMigration) => HistoryRowType;
  readonly installedBy: string | null;
  readonly asyncCommit: boolean;
}

/**
 * Runs prepared scripts in order on the locked session, one transaction each, reporting progress. The abort
 * signal of `deps` is checked before each script; when it fires while one runs, that script's statement is
 * cancelled so its transaction rolls back. Either way the run stops with DBA_MIGRATION_ABORTED listing what
 * committed. Asynchronously committed scripts are flushed before returning or throwing.
 */
export async function runMigrationSteps(prepared: readonly PreparedMigration[], options: StepsOptions, run: LockedRun, deps: MigrationDeps): Promise<AppliedMigration[]> {
  const { session, history } = run;
  const { signal } = deps;
  const done: AppliedMigration[] = [];
  const notDone = (from: number) => prepared.slice(from).map((step) => step.file.script);
  const canceller = cancelOnAbort(signal, deps.db, session.backendPid, deps.logger);
  try {
    for (const [index, step] of prepared.entries()) {
      if (signal?.aborted) throw migrationAborted(signal, { operation: options.operation, done, notDone: notDone(index) });
      deps.onProgress?.({ phase: 'running', script: step.file.script, completed: done.length, total: prepared.length });
      let result: AppliedMigration;
      try {
        result = await runMigration(step, options.typeOf(step), {
          session,
          history,
          installedBy: options.installedBy,
          asyncCommit: options.asyncCommit,
          applied: done.map((a) => a.script),
          connectionLost: session.lost,
        });
      } catch (error) {
        // 57014 after our cancel request: the script was stopped by the abort, not by its statement_timeout.
        if (signal?.aborted && isDbarchError(error) && error.details.sqlstate === '57014') {
          throw migrationAborted(signal, { operation: options.operation, done, notDone: notDone(index), cause: error });
        }
        throw error;
      }
      done.push(result);
      deps.logger?.info({ script: result.script, executionTimeMs: Math.round(result.executionTimeMs) }, options.operation === 'undo' ? 'migration undone' : 'migration applied');
    }
  } finally {
    canceller.dispose();
    await canceller.settled();
    if (done.length > 0 && !session.lost()) await flushCommits(session);
  }
  return done;
}
