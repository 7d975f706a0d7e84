import type { Logger } from '../runtime/logger.ts';

/**
 * What engine code needs to know about the step it runs for, whoever calls it (a plugin step, the CLI, a test).
 * A plugin step's StepContext is one of these, so steps hand theirs straight to the engine.
 */
export interface StepExecution {
  readonly stepId: string;
  /** Stable across retries, worker crashes and continue-as-new: the key an effect is recorded under. */
  readonly idempotencyKey: string;
  readonly workflowId: string;
  readonly environment: string;
  readonly signal: AbortSignal;
  heartbeat(details?: unknown): void;
  readonly log: Logger;
}
