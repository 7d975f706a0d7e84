import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
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
    const attempt = call.attempt ?? info.attempt;
    // The last progress is repeated by the keep-alive heartbeats, so a worker that dies leaves it on the server
    // (the timeout carries it to the next attempt) instead of an empty heartbeat that hides it.
    let lastDetails: unknown = call.heartbeatDetails ?? info.heartbeatDetails;
    const beat = () => (lastDetails === undefined ? context.heartbeat() : context.heartbeat(lastDetails));
    const heartbeatMs = info.heartbeatTimeoutMs ? Math.max(200, Math.floor(info.heartbeatTimeoutMs / 3)) : undefined;
    const timer = heartbeatMs === undefined ? undefined : setInterval(beat, heartbeatMs);
    const stepLog = log.child({ step: call.stepId, activity: name, workflowId, attempt });
    try {
      return await run(input, {
        ...call,
        workflowId,
        attempt,
        signal: context.cancellationSignal,
        heartbeat: (details) => {
          lastDetails = details;
          beat();
        },
        log: stepLog,
      });
    } catch (error) {
      const signal = context.cancellationSignal;
      if (!signal.aborted) throw withHeartbeatDetails(error, lastDetails);
      if (isWorkerShutdown(context)) {
        stepLog.warn({ error: (error as Error)?.message }, 'step interrupted by the worker shutting down; it will be retried');
        throw new DbarchError('DBA_STEP_INTERRUPTED', `step ${call.stepId} was interrupted: its worker is shutting down (attempt ${attempt})`, {
          ...(error instanceof CancelledFailure ? {} : { cause: error }),
          ...(lastDetails === undefined ? {} : { details: { heartbeatDetails: lastDetails } }),
        });
      }
      throw error instanceof CancelledFailure || !(signal.reason instanceof CancelledFailure) ? error : signal.reason;
    } finally {
      if (timer) clearInterval(timer);
    }
  };
  Object.defineProperty(activity, 'name', { value: name });
  return activity;
}

/**
 * The failure of an attempt, carrying the attempt's last heartbeat details (`details.heartbeatDetails` of the
 * Temporal failure), which the interpreter hands to the next attempt. Uncoded errors stay retryable.
 */
function withHeartbeatDetails(error: unknown, details: unknown): unknown {
  if (details === undefined) return error;
  if (error instanceof DbarchError) {
    return new DbarchError(error.code, error.message, { hint: error.hint, cause: error.cause, details: { ...error.details, heartbeatDetails: details } });
  }
  if (error instanceof ApplicationFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return ApplicationFailure.create({ type: error instanceof Error ? error.name : 'Error', message, details: [{ heartbeatDetails: details }], cause: error instanceof Error ? error : undefined });
}

/** Whether the activity's cancellation comes from its own worker shutting down (not from the workflow or server). */
export function isWorkerShutdown(context: Context): boolean {
  if (context.cancellationDetails?.workerShutdown) return true;
  const reason: unknown = context.cancellationSignal.reason;
  return reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN';
}
