import type { Logger } from '../runtime/logger.ts';

/** What the interpreter sends with every step call (JSON, part of the activity input in history). */
export interface StepCall {
  readonly stepId: string;
  /** Stable across retries, worker crashes and continue-as-new: `<workflowId>:<firstRunId>:<stepId>`. */
  readonly idempotencyKey: string;
  readonly environment: string;
  readonly planHash: string;
}

/** What a plugin step receives besides its input. */
export interface StepContext extends StepCall {
  readonly workflowId: string;
  readonly attempt: number;
  /**
   * Aborted when the workflow cancels the step or the worker shuts down. Stop and throw: the step wrapper reports
   * a worker shutdown as the retryable DBA_STEP_INTERRUPTED (retried on another worker) and anything else as a
   * cancellation, whatever the step threw.
   */
  readonly signal: AbortSignal;
  /** Steps heartbeat automatically while they run; call this to record progress details as well. */
  heartbeat(details?: unknown): void;
  readonly log: Logger;
}
