import { CancelledFailure } from '@temporalio/common';
import { DbarchError } from '../../errors/DbarchError.ts';

/** Whether an aborted step signal means the worker is shutting down (Temporal's CancelledFailure "WORKER_SHUTDOWN"). */
export function isWorkerShutdown(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN';
}

/**
 * The error of a vacuum/analyze step stopped by its signal part-way: which tables were done and which were not. A
 * worker shutdown is retryable (DBA_STEP_INTERRUPTED: the retry, on another worker, does the tables again, which is
 * harmless); any other abort (the workflow cancelled the step) is a cancellation (DBA_STEP_CANCELLED).
 */
export function vacuumInterrupted(signal: AbortSignal, command: string, done: readonly string[], notDone: readonly string[], cause?: unknown): DbarchError {
  const shutdown = isWorkerShutdown(signal);
  const why = shutdown ? 'its worker is shutting down' : 'the step was cancelled';
  return new DbarchError(
    shutdown ? 'DBA_STEP_INTERRUPTED' : 'DBA_STEP_CANCELLED',
    `${command} stopped because ${why}: done ${done.join(', ') || 'none'}; not done ${notDone.join(', ')}`,
    { ...(cause === undefined ? {} : { cause }), details: { command, tablesDone: done, tablesNotDone: notDone, workerShutdown: shutdown } },
  );
}
