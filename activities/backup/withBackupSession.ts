import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';

export interface BackupSessionOptions {
  readonly applicationName: string;
  /** What a PostgreSQL failure becomes, by its SQLSTATE: a retry can help (transient) or cannot (permanent). */
  readonly transient: ErrorCode;
  readonly permanent: ErrorCode;
  /** Message prefixes for a failed connect, and for a failure while `fn` runs. */
  readonly connectMessage: string;
  readonly failureMessage: string;
  /** A session lost while idle (the tool it serves reports the failure); default: ignored. */
  readonly onLost?: (error: Error) => void;
  /** Errors the caller passes on untouched (e.g. a cancellation); coded errors always pass. */
  readonly passThrough?: (error: unknown) => boolean;
}

/**
 * Runs `fn` with a session on the database a backup is taken from or restored into, and always ends it. Failures
 * that are not coded yet are PostgreSQL's: classified by SQLSTATE into the transient or the permanent code, with
 * the SQLSTATE in the details.
 */
export async function withBackupSession<T>(url: string, options: BackupSessionOptions, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: options.applicationName });
  // Surfaces on the next query instead of as an unhandled 'error' event that would end the worker.
  client.on('error', options.onLost ?? (() => undefined));
  try {
    try {
      await client.connect();
    } catch (cause) {
      throw failure(cause, options, options.connectMessage);
    }
    return await fn(client);
  } catch (error) {
    if (error instanceof DbarchError || options.passThrough?.(error)) throw error;
    throw failure(error, options, options.failureMessage);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function failure(cause: unknown, options: BackupSessionOptions, message: string): DbarchError {
  const { sqlstate, retryable } = classifyPgError(cause);
  const text = cause instanceof Error ? cause.message : String(cause);
  return new DbarchError(retryable ? options.transient : options.permanent, `${message}: ${text}`, { cause, details: { sqlstate } });
}
