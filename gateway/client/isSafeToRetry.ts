import { BrokenCircuitError } from 'cockatiel';
import { isDbarchError } from '../../errors/DbarchError.ts';

/**
 * Whether a failed attempt can run again without risk of doing anything twice: the connection failed before the
 * statement went out or on a connection that cannot write, the server rolled it back (serialization failure,
 * deadlock, lock timeout, admin shutdown), or a breaker refused it unsent. Never a write of unknown outcome.
 */
export function isSafeToRetry(error: unknown): boolean {
  if (error instanceof BrokenCircuitError) return true;
  return isDbarchError(error) && (error.code === 'DBA_QUERY_CONNECTION' || error.code === 'DBA_QUERY_CONFLICT');
}
