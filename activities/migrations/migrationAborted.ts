import { DbarchError } from '../../errors/DbarchError.ts';
import type { AppliedMigration } from './runMigration.ts';

export interface AbortState {
  /** What the run was doing: `apply`, `undo`, or waiting for the migration lock. */
  readonly operation: 'apply' | 'undo' | 'lock';
  /** Scripts that committed in this run before the stop (they stay applied). */
  readonly done: readonly AppliedMigration[];
  /** Scripts that did not run, or whose run was cancelled and rolled back. */
  readonly notDone: readonly string[];
  /** The PostgreSQL error of the statement the abort cancelled, if one was running. */
  readonly cause?: unknown;
}

/** Why the signal fired, as text: Temporal aborts with a CancelledFailure whose message is e.g. WORKER_SHUTDOWN. */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message || reason.name;
  if (typeof reason === 'string') return reason;
  return reason === undefined ? 'aborted' : JSON.stringify(reason);
}

/** The coded, retryable error of a run stopped by its abort signal, reporting what was and was not applied. */
export function migrationAborted(signal: AbortSignal, state: AbortState): DbarchError {
  const reason = abortReason(signal);
  const done = state.done.map((m) => m.script);
  const what = state.operation === 'lock' ? 'while waiting for the migration lock' : `after ${done.length} script(s)${done.length > 0 ? ` (${done.join(', ')})` : ''}`;
  return new DbarchError('DBA_MIGRATION_ABORTED', `${state.operation === 'undo' ? 'Undo' : 'Migration run'} aborted (${reason}) ${what}; not run: ${state.notDone.join(', ') || 'none'}`, {
    ...(state.cause === undefined ? {} : { cause: state.cause }),
    details: {
      reason,
      operation: state.operation,
      applied: state.done,
      appliedBeforeFailure: done,
      notApplied: state.notDone,
    },
  });
}
