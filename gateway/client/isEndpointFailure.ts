import { isDbarchError } from '../../errors/DbarchError.ts';

/** Failures that say the server (not the query) is in trouble: what opens an endpoint's circuit breaker. */
export function isEndpointFailure(error: unknown): boolean {
  return isDbarchError(error) && (error.code === 'DBA_QUERY_CONNECTION' || error.code === 'DBA_CLIENT_COMMIT_UNKNOWN');
}
