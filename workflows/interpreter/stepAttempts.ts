import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  TimeoutFailure,
  isCancellation,
  proxyActivities,
  sleep,
} from '@temporalio/workflow';
import type { Compensation, StepNode, StepRetry } from '../../plan/Plan.ts';
import type { StepCall } from '../../plugins/StepContext.ts';
import { workflowFailure } from '../workflowFailure.ts';
import type { StepError, StepState } from './InterpreterTypes.ts';

type AnyActivity = (input: unknown, call: StepCall) => Promise<unknown>;

export type AttemptTarget = Pick<StepNode | Compensation, 'activity' | 'input' | 'retry' | 'timeoutMs' | 'heartbeatTimeoutMs'>;

export interface AttemptBehaviour {
  /** Wait for a cancelled attempt to end before the workflow moves on (so compensation never races it). */
  readonly waitForCancelledAttempt: boolean;
  /** Treat a cancelled activity as a cancellation only when this workflow asked for it; otherwise retry it. */
  readonly cancellationOnlyWhenRequested: boolean;
}

/**
 * One step (or compensation) as activity attempts with the step's own policy, retried here rather than by the
 * server so status shows attempts and the last error live. Throws DBA_STEP_FAILED after the last attempt, or the
 * cancellation when the workflow is being cancelled.
 */
export async function runAttempts(target: AttemptTarget, stepCall: StepCall, record: { attempts: number; lastError?: StepError }, behaviour: AttemptBehaviour): Promise<unknown> {
  const { [target.activity]: activity } = proxyActivities<Record<string, AnyActivity>>({
    startToCloseTimeout: target.timeoutMs,
    ...(target.heartbeatTimeoutMs !== undefined ? { heartbeatTimeout: target.heartbeatTimeoutMs } : {}),
    ...(behaviour.waitForCancelledAttempt ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
    retry: { maximumAttempts: 1 },
  });
  // The previous attempt's last heartbeat details, handed to the next so a long step resumes where it was.
  let heartbeatDetails: unknown;
  for (;;) {
    record.attempts += 1;
    try {
      return await activity!(target.input, { ...stepCall, attempt: record.attempts, ...(heartbeatDetails !== undefined ? { heartbeatDetails } : {}) });
    } catch (error) {
      heartbeatDetails = heartbeatDetailsOf(error) ?? heartbeatDetails;
      // An activity the worker reports cancelled while nobody cancelled this scope (a worker shutting down):
      // the attempt ended without an answer, so it is retried like any transient failure.
      if (isCancellation(error) && (!behaviour.cancellationOnlyWhenRequested || CancellationScope.current().consideredCancelled)) throw error;
      const failure = describeFailure(error);
      record.lastError = { ...failure, attempt: record.attempts };
      if (failure.nonRetryable || target.retry.nonRetryableCodes.includes(failure.code) || record.attempts >= target.retry.maximumAttempts) {
        throw workflowFailure('DBA_STEP_FAILED', `step ${stepCall.stepId} failed after ${record.attempts} attempt(s): ${failure.code}: ${failure.message}`, {
          details: [{ step: stepCall.stepId, code: failure.code }],
        });
      }
      await sleep(backoff(target.retry, record.attempts));
    }
  }
}

/**
 * Whether a step that did not succeed may still have had its effect: it was cancelled while an attempt ran, or it
 * failed after an attempt that timed out or was interrupted, or after more than one attempt (an earlier one may
 * have committed before its answer was lost). Such a step is compensated; compensations are idempotent by contract.
 */
export function outcomeUnknown(state: StepState): boolean {
  if (state.status === 'cancelled') return state.attempts > 0;
  if (state.status !== 'failed') return false;
  const code = state.lastError?.code ?? '';
  return state.attempts > 1 || code.startsWith('TIMEOUT_') || code === 'DBA_STEP_INTERRUPTED';
}

function backoff(retry: StepRetry, attempts: number): number {
  return Math.min(retry.maximumIntervalMs, retry.initialIntervalMs * retry.backoffCoefficient ** (attempts - 1));
}

/**
 * What a failed attempt last heartbeated: a timeout (the worker died) carries the server's copy; a failure the
 * step wrapper raised carries it in its details.
 */
export function heartbeatDetailsOf(error: unknown): unknown {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (cause instanceof TimeoutFailure) return cause.lastHeartbeatDetails ?? undefined;
  if (cause instanceof ApplicationFailure) return (cause.details?.[0] as { heartbeatDetails?: unknown } | undefined)?.heartbeatDetails;
  return undefined;
}

/** The code and message of a failed activity or child: the ApplicationFailure type is the dbarch error code. */
export function describeFailure(error: unknown): { code: string; message: string; nonRetryable: boolean } {
  const cause = error instanceof ActivityFailure || error instanceof ChildWorkflowFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'Error', message: cause.message, nonRetryable: cause.nonRetryable === true };
  if (cause instanceof TimeoutFailure) return { code: `TIMEOUT_${String(cause.timeoutType ?? 'UNKNOWN')}`, message: cause.message || 'activity timed out', nonRetryable: false };
  if (cause instanceof CancelledFailure) return { code: 'DBA_STEP_INTERRUPTED', message: `the attempt was cancelled by its worker (${cause.message || 'no reason given'})`, nonRetryable: false };
  return { code: 'Error', message: cause instanceof Error ? cause.message : String(cause), nonRetryable: false };
}
