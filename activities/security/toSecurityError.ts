import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';

/** Coded errors pass; a connection failure is retryable DBA_STEP_CONNECTION; any other PostgreSQL error is DBA_SECURITY_APPLY_FAILED. */
export function toSecurityError(error: unknown, doing: string, statement?: string): DbarchError {
  if (isDbarchError(error)) return error;
  const cls = classifyPgError(error);
  const message = error instanceof Error ? error.message : String(error);
  // No such database (3D000) or login refused (28xxx): the target is wrong, not the spec.
  if (cls.category === 'connection' || cls.sqlstate?.startsWith('3D') === true || cls.sqlstate?.startsWith('28') === true) return new DbarchError('DBA_STEP_CONNECTION', `${doing}: ${message}`, { cause: error });
  return new DbarchError('DBA_SECURITY_APPLY_FAILED', `${doing}${statement === undefined ? '' : ` (${statement.split('\n')[0]})`}: ${message} (SQLSTATE ${cls.sqlstate ?? 'none'})`, {
    cause: error,
    details: { sqlstate: cls.sqlstate, ...(statement === undefined ? {} : { statement }) },
  });
}
