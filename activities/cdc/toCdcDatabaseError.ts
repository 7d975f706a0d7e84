import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';

/** A PostgreSQL error of CDC as a coded error, by SQLSTATE: the database going away is retried, a refusal is not. */
export function toCdcDatabaseError(error: unknown, doing: string): unknown {
  if (error instanceof DbarchError) return error;
  const kind = classifyPgError(error);
  const message = error instanceof Error ? error.message : String(error);
  if (kind.category === 'connection' || kind.retryable) return new DbarchError('DBA_CDC_DATABASE_UNREACHABLE', `the captured database went away while ${doing}: ${message}`, { cause: error });
  // 28xxx authentication, 3D000 no such database, 42501 privilege (no REPLICATION): the same attempt cannot succeed.
  if (kind.category === 'privilege' || kind.sqlstate === '3D000' || kind.sqlstate?.startsWith('28') === true) {
    return new DbarchError('DBA_CDC_DATABASE_REFUSED', `the captured database refused CDC while ${doing}: ${message}`, { cause: error });
  }
  return error;
}
