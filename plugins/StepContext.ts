import type { Logger } from '../runtime/logger.ts';

/** What the interpreter sends with every step call (JSON, part of the activity input in history). */
export interface StepCall {
  readonly stepId: string;
  /** Stable across retries, worker crashes and continue-as-new: `<workflowId>:<firstRunId>:<stepId>`. */
  readonly idempotencyKey: string;
  readonly environment: string;
  readonly planHash: string;
  /** This attempt's number, 1 for the first (the interpreter retries, so Temporal's own counter is always 1). */
  readonly attempt?: number;
  /** The last details the previous attempt heartbeated (absent on the first attempt or when it recorded none). */
  readonly heartbeatDetails?: unknown;
}

/** What a plugin step receives besides its input. */
export interface StepContext extends StepCall {
  readonly workflowId: string;
  /** The step's real attempt number: 2 after one failed attempt, whichever worker ran it. */
  readonly attempt: number;
  /**
   * Aborted when the workflow cancels the step or the worker shuts down. Stop and throw: the step wrapper reports
   * a worker shutdown as the retryable DBA_STEP_INTERRUPTED (retried on another worker) and anything else as a
   * cancellation, whatever the step threw.
   */
  readonly signal: AbortSignal;
  /**
   * Steps heartbeat automatically while they run; call this to record progress details as well. The last details
   * recorded reach the next attempt as `heartbeatDetails`, however this one ends (an error, a timeout after the
   * worker died, a shutdown), so a long step resumes instead of starting over.
   */
  heartbeat(details?: unknown): void;
  readonly log: Logger;
}
