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
  return create(code, message, options);
}

/**
 * A failure caught in workflow code raised again with a new message or details: its type is kept (a code an
 * activity, a child or this workflow already raised, which the type checker cannot see), else `fallback`.
 */
export function workflowFailureFrom(caught: unknown, fallback: ErrorCode, message: string, options: WorkflowFailureOptions = {}): ApplicationFailure {
  return create(caught instanceof ApplicationFailure && caught.type ? caught.type : fallback, message, options);
}

function create(type: string, message: string, options: WorkflowFailureOptions): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: options.nonRetryable ?? true, details: options.details, cause: options.cause });
}
