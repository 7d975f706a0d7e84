import { ApplicationFailure } from '@temporalio/workflow';
import type { ErrorCode } from '../errors/registry.ts';

export interface WorkflowFailureOptions {
  /** Default true: a workflow's own failure is final; retries belong to the activities and steps inside it. */
  readonly nonRetryable?: boolean;
  readonly details?: unknown[];
  readonly cause?: Error;
}

/**
 * The failure workflow code throws: an ApplicationFailure whose type is a code of the errors/ registry, so the
 * type checker refuses a code that is not registered (and so undocumented). Imports only the registry's type:
 * the registry itself stays out of the workflow bundle.
 */
export function workflowFailure(code: ErrorCode, message: string, options: WorkflowFailureOptions = {}): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: options.nonRetryable ?? true, details: options.details, cause: options.cause });
}
