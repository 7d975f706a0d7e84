import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { DbarchError } from '../errors/DbarchError.ts';
import { grpcCause, grpcStatus } from '../runtime/grpcCause.ts';

/**
 * Turns the Temporal client's errors a user can cause or fix into coded errors: a wrong workflow id
 * (WorkflowNotFoundError, or a gRPC NOT_FOUND anywhere in the cause chain), a wrong namespace, a server that went
 * away mid-command. Undefined for anything else. reportError applies it to every verb, so no verb maps these itself.
 */
export function codedTemporalError(error: unknown): DbarchError | undefined {
  if (error instanceof WorkflowNotFoundError) return workflowNotFound(error.workflowId, error);
  if (error instanceof NamespaceNotFoundError) {
    return new DbarchError('DBA_CONFIG_INVALID', `Temporal namespace "${error.namespace}" does not exist`, { hint: 'Set TEMPORAL_NAMESPACE to an existing namespace (`temporal operator namespace list`).', cause: error });
  }
  const grpc = grpcCause(error);
  if (grpc?.code === grpcStatus.notFound) return workflowNotFound(undefined, error);
  if (grpc?.code === grpcStatus.unavailable) {
    return new DbarchError('DBA_TEMPORAL_UNREACHABLE', `the Temporal server stopped answering: ${grpc.details ?? grpc.message ?? 'unavailable'}`, { cause: error });
  }
  return undefined;
}

function workflowNotFound(workflowId: string | undefined, cause: unknown): DbarchError {
  const which = workflowId ? `"${workflowId}"` : 'with this id';
  return new DbarchError('DBA_WORKFLOW_NOT_FOUND', `no workflow ${which} in this Temporal namespace`, { cause, ...(workflowId ? { details: { workflowId } } : {}) });
}
