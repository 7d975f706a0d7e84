import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';
import { outboxTable } from './outboxTable.ts';

/** A PostgreSQL error of the relay as a coded error, by SQLSTATE: the database going away is retried, a refusal is not. */
export function toRelayDatabaseError(error: unknown, doing: string): unknown {
  if (error instanceof DbarchError) return error;
  const kind = classifyPgError(error);
  const message = error instanceof Error ? error.message : String(error);
  if (kind.sqlstate === '42P01') return new DbarchError('DBA_OUTBOX_TABLE_MISSING', `${outboxTable} is missing while ${doing}`, { cause: error });
  if (kind.category === 'connection' || kind.retryable) return new DbarchError('DBA_OUTBOX_DATABASE_UNREACHABLE', `the outbox database went away while ${doing}: ${message}`, { cause: error });
  // 28xxx authentication, 3D000 no such database, 42501 privilege: the same attempt cannot succeed.
  if (kind.category === 'privilege' || kind.category === 'undefined_object' || kind.sqlstate?.startsWith('28') === true) {
    return new DbarchError('DBA_OUTBOX_DATABASE_REFUSED', `the outbox database refused the relay while ${doing}: ${message}`, { cause: error });
  }
  return error;
}
