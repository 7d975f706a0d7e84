import { CancelledFailure, Context } from '@temporalio/activity';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Logger } from '../runtime/logger.ts';
import type { StepRun } from './definePlugin.ts';
import type { StepCall } from './StepContext.ts';

/**
 * Turns a plugin step into an activity: builds its StepContext and heartbeats while it runs, so a worker that
 * dies mid-step is noticed within the step's heartbeat timeout and a cancellation reaches the step.
 *
 * A step that stops because its signal was aborted is reported by why it was aborted, whatever it threw: a worker
 * shutdown becomes the retryable DBA_STEP_INTERRUPTED (the interpreter retries it, on another worker), any other
 * abort (the workflow cancelled the step, the server timed it out) a cancellation.
 */
export function stepActivity(name: string, run: StepRun<unknown>, log: Logger) {
  const activity = async (input: unknown, call: StepCall): Promise<unknown> => {
    const context = Context.current();
    const info = context.info;
    const workflowId = info.workflowExecution?.workflowId ?? 'none';
    const heartbeatMs = info.heartbeatTimeoutMs ? Math.max(200, Math.floor(info.heartbeatTimeoutMs / 3)) : undefined;
    const timer = heartbeatMs === undefined ? undefined : setInterval(() => context.heartbeat(), heartbeatMs);
    const stepLog = log.child({ step: call.stepId, activity: name, workflowId, attempt: info.attempt });
    try {
      return await run(input, {
        ...call,
        workflowId,
        attempt: info.attempt,
        signal: context.cancellationSignal,
        heartbeat: (details) => context.heartbeat(details),
        log: stepLog,
      });
    } catch (error) {
      const signal = context.cancellationSignal;
      if (!signal.aborted) throw error;
      if (isWorkerShutdown(context)) {
        stepLog.warn({ error: (error as Error)?.message }, 'step interrupted by the worker shutting down; it will be retried');
        throw new DbarchError('DBA_STEP_INTERRUPTED', `step ${call.stepId} was interrupted: its worker is shutting down (attempt ${info.attempt})`, error instanceof CancelledFailure ? {} : { cause: error });
      }
      throw error instanceof CancelledFailure || !(signal.reason instanceof CancelledFailure) ? error : signal.reason;
    } finally {
      if (timer) clearInterval(timer);
    }
  };
  Object.defineProperty(activity, 'name', { value: name });
  return activity;
}

/** Whether the activity's cancellation comes from its own worker shutting down (not from the workflow or server). */
export function isWorkerShutdown(context: Context): boolean {
  if (context.cancellationDetails?.workerShutdown) return true;
  const reason: unknown = context.cancellationSignal.reason;
  return reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN';
}
