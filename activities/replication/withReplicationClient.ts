import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { redactUrl } from '../../runtime/redactUrl.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';

/**
 * Runs `fn` with a connection to blue or green. Connection failures (by SQLSTATE class 08 or a socket error)
 * become the retryable DBA_REPLICATION_UNREACHABLE, a lasting refusal (authentication, no such database) the
 * permanent DBA_REPLICATION_REFUSED; other errors pass through for the caller to classify.
 */
export async function withReplicationClient<T>(url: string, side: 'blue' | 'green', fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: `dbarch:replication:${side}` });
  client.on('error', () => undefined); // a dropped idle connection surfaces on the next query
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    if (classifyPgError(cause).retryable) throw unreachable(cause, url, side);
    throw new DbarchError('DBA_REPLICATION_REFUSED', `${side} database at ${redactUrl(url)} refused the connection: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      details: { side, sqlstate: classifyPgError(cause).sqlstate },
    });
  }
  try {
    return await fn(client);
  } catch (error) {
    if (!(error instanceof DbarchError) && classifyPgError(error).category === 'connection') throw unreachable(error, url, side);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function unreachable(cause: unknown, url: string, side: string): DbarchError {
  return new DbarchError('DBA_REPLICATION_UNREACHABLE', `${side} database at ${redactUrl(url)} did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
    details: { side, sqlstate: classifyPgError(cause).sqlstate },
  });
}
