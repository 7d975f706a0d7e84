import { DbarchError } from '../../errors/DbarchError.ts';

/** SQLSTATE classes and codes worth retrying: the same statement can succeed once the condition passes. */
const transientClasses = new Set(['08', '40', '53', '57']);
const transientCodes = new Set(['55P03', '55006']);
/** query_canceled is permanent: a statement timeout will fire again; cancellation by us ends the step anyway. */
const permanentCodes = new Set(['57014']);

/** Turns a pg error into a coded error by its SQLSTATE (never by message text). */
export function classifyPgError(error: unknown, what: string): DbarchError {
  const sqlstate = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof sqlstate === 'string' && /^[0-9A-Z]{5}$/.test(sqlstate)) {
    const transient = !permanentCodes.has(sqlstate) && (transientClasses.has(sqlstate.slice(0, 2)) || transientCodes.has(sqlstate));
    const { position, detail, constraint, table } = error as { position?: string; detail?: string; constraint?: string; table?: string };
    return new DbarchError(transient ? 'DBA_STEP_SQL_TRANSIENT' : 'DBA_STEP_SQL', `${what}: ${message} (SQLSTATE ${sqlstate})`, {
      cause: error,
      details: { sqlstate, ...(position ? { position } : {}), ...(detail ? { detail } : {}), ...(constraint ? { constraint } : {}), ...(table ? { table } : {}) },
    });
  }
  // No SQLSTATE: the socket failed (refused, reset, DNS) before or while talking to the server.
  return new DbarchError('DBA_STEP_CONNECTION', `${what}: ${message}`, { cause: error, details: { errno: sqlstate ?? null } });
}
