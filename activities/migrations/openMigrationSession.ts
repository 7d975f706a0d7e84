import pg from 'pg';
import { toMigrationError } from './toMigrationError.ts';

/** One database session used for a whole run: the advisory lock is session-level, so everything uses it. */
export interface MigrationSession {
  readonly client: pg.ClientBase;
  /** SQL that restores this session's own settings after `RESET ALL` between migrations. */
  readonly settingsSql: string;
  /** Ends the session (a pooled client is destroyed, not returned). */
  readonly close: () => Promise<void>;
  /** True once the socket reported an error or closed: the outcome of the last query is unknown. */
  readonly lost: () => boolean;
  /** pg_backend_pid() of the session, so a second connection can cancel its running statement. */
  readonly backendPid: number;
}

export interface SessionOptions {
  readonly applicationName: string;
  /**
   * How often the server checks that the client is still there while a statement runs. A migrator killed
   * mid-statement (SIGKILL, lost pod) then has its backend abort, roll back and drop the lock within this
   * interval instead of finishing a long statement first. PostgreSQL 14+, Linux.
   */
  readonly clientConnectionCheckInterval: string;
}

export async function openMigrationSession(db: pg.Pool | string, options: SessionOptions): Promise<MigrationSession> {
  let client: pg.ClientBase;
  let close: () => Promise<void>;
  try {
    if (typeof db === 'string') {
      const own = new pg.Client({ connectionString: db, application_name: options.applicationName });
      await own.connect();
      client = own;
      close = () => own.end();
    } else {
      const pooled = await db.connect();
      client = pooled;
      close = () => {
        pooled.release(true);
        return Promise.resolve();
      };
    }
  } catch (error) {
    throw toMigrationError(error, null);
  }
  // A session whose socket breaks must not throw an unhandled 'error' event and crash the worker.
  let lost = false;
  client.on('error', () => {
    lost = true;
  });
  client.on('end', () => {
    lost = true;
  });
  const settingsSql =
    `SET application_name = ${client.escapeLiteral(options.applicationName)}; ` +
    `SET client_connection_check_interval = ${client.escapeLiteral(options.clientConnectionCheckInterval)};`;
  let backendPid: number;
  try {
    await client.query(settingsSql);
    backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
  } catch (error) {
    await close().catch(() => undefined);
    throw toMigrationError(error, null);
  }
  return { client, settingsSql, close, lost: () => lost, backendPid };
}
