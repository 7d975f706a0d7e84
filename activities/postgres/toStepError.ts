import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from './classifyPgError.ts';

/**
 * Turns a pg error into a step's coded error. Whether a retry can succeed is decided by the one SQLSTATE table
 * (never by message text); a statement timeout is permanent, since the same statement would time out again.
 * 57014 (query_canceled) is also what a step's own pg_cancel_backend on abort produces: a step that cancels its
 * statement must recognise that case before calling this (as builtin/sql does), so it is not taken for a timeout.
 */
export function toStepError(error: unknown, what: string): DbarchError {
  const { sqlstate, retryable } = classifyPgError(error);
  const message = error instanceof Error ? error.message : String(error);
  if (sqlstate !== null) {
    const { position, detail, constraint, table } = error as { position?: string; detail?: string; constraint?: string; table?: string };
    return new DbarchError(retryable ? 'DBA_STEP_SQL_TRANSIENT' : 'DBA_STEP_SQL', `${what}: ${message} (SQLSTATE ${sqlstate})`, {
      cause: error,
      details: { sqlstate, ...(position ? { position } : {}), ...(detail ? { detail } : {}), ...(constraint ? { constraint } : {}), ...(table ? { table } : {}) },
    });
  }
  // No SQLSTATE: the socket failed (refused, reset, DNS) before or while talking to the server.
  const errno = (error as { code?: unknown }).code;
  return new DbarchError('DBA_STEP_CONNECTION', `${what}: ${message}`, { cause: error, details: { errno: typeof errno === 'string' ? errno : null } });
}
