import pg from 'pg';
import { classifyPgError, type PgErrorCategory } from '../../activities/postgres/classifyPgError.ts';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import type { ErrorCode } from '../../errors/registry.ts';

export interface QueryErrorContext {
  /** `host:port` of the server. */
  readonly endpoint: string;
  /** Whether the statement had been sent when it failed (false: connecting or acquiring). */
  readonly sent: boolean;
  /** Whether the statement cannot have written (a replica, a READ ONLY transaction). */
  readonly readOnly: boolean;
}

const byCategory: Record<PgErrorCategory, ErrorCode> = {
  connection: 'DBA_QUERY_CONNECTION',
  lock_timeout: 'DBA_QUERY_CONFLICT',
  deadlock: 'DBA_QUERY_CONFLICT',
  serialization: 'DBA_QUERY_CONFLICT',
  statement_timeout: 'DBA_QUERY_TIMEOUT',
  resources: 'DBA_QUERY_RESOURCES',
  syntax: 'DBA_QUERY_SYNTAX',
  undefined_object: 'DBA_QUERY_UNDEFINED_OBJECT',
  duplicate_object: 'DBA_QUERY_FAILED',
  privilege: 'DBA_QUERY_PRIVILEGE',
  constraint: 'DBA_QUERY_CONSTRAINT',
  data: 'DBA_QUERY_DATA',
  transaction_state: 'DBA_QUERY_FAILED',
  feature_not_supported: 'DBA_QUERY_FAILED',
  object_state: 'DBA_QUERY_FAILED',
  internal: 'DBA_QUERY_FAILED',
  other: 'DBA_QUERY_FAILED',
};

/**
 * A failed query as a coded error, by SQLSTATE class (activities/postgres/classifyPgError). An error the server
 * did not send (no DatabaseError) is the connection failing; once the statement went out on a connection that
 * could write, whether it committed is unknown (DBA_CLIENT_COMMIT_UNKNOWN, never retried).
 */
export function mapQueryError(error: unknown, context: QueryErrorContext): DbarchError {
  if (isDbarchError(error)) return error;
  const fromServer = error instanceof pg.DatabaseError;
  const { sqlstate, category } = classifyPgError(error);
  // Anything but the server's own answer is the connection failing: refused, reset, timed out, terminated.
  const code: ErrorCode =
    sqlstate === '25006' ? 'DBA_QUERY_READ_ONLY'
      : !fromServer ? (context.sent && !context.readOnly ? 'DBA_CLIENT_COMMIT_UNKNOWN' : 'DBA_QUERY_CONNECTION')
        : byCategory[category];
  const message = error instanceof Error ? error.message : String(error);
  const server = fromServer ? error : undefined;
  return new DbarchError(code, `${context.endpoint}: ${message}`, {
    cause: error,
    details: {
      endpoint: context.endpoint,
      sqlstate,
      category: fromServer ? category : 'connection',
      ...(server !== undefined ? { serverMessage: server.message } : {}),
      ...(server?.position !== undefined ? { position: Number(server.position) } : {}),
      ...(server?.constraint !== undefined ? { constraint: server.constraint } : {}),
      ...(server?.detail !== undefined ? { detail: server.detail } : {}),
    },
  });
}
