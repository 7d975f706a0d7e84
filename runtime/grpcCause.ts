/** gRPC status codes the Temporal clients let through (from @grpc/grpc-js, without loading it here). */
export const grpcStatus = {
  invalidArgument: 3,
  notFound: 5,
  permissionDenied: 7,
  failedPrecondition: 9,
  unimplemented: 12,
  unavailable: 14,
  unauthenticated: 16,
} as const;

export interface GrpcLike {
  readonly code: number;
  readonly details?: string;
  readonly message?: string;
}

/**
 * The first gRPC service error (an object with a numeric `code` and `metadata`) in the cause chain: the client's
 * ServiceError wraps it, the native connection's (workers) is one itself.
 */
export function grpcCause(error: unknown): GrpcLike | undefined {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    const candidate = current as Partial<GrpcLike> & { metadata?: unknown };
    if (typeof candidate.code === 'number' && candidate.metadata !== undefined) return candidate as GrpcLike;
  }
  return undefined;
}
