import type { QueryResultRow } from 'pg';
import type { DatabaseClient } from './DatabaseClient.ts';
import type { Lsn } from './Lsn.ts';
import type { QueryOptions, TransactionOptions } from './QueryOptions.ts';
import type { QueryResult } from './QueryResult.ts';
import { SessionToken } from './SessionToken.ts';
import type { TransactionClient } from './TransactionClient.ts';

/**
 * Read-your-writes for one caller. Statements on the primary mark the session dirty; the next replica read
 * first asks the primary for its WAL position (once, not after every write) and then reads only from a replica
 * that has replayed that far, waiting briefly, else from the primary. `token()` carries the position to another
 * process (`client.session(token)` there).
 */
export class ClientSession {
  readonly #client: DatabaseClient;
  #position: Lsn | undefined;
  #dirty = false;

  constructor(client: DatabaseClient, token?: string) {
    this.#client = client;
    if (token !== undefined) this.#position = SessionToken.parse(token);
  }

  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[], options: Omit<QueryOptions, 'session'> = {}): Promise<QueryResult<R>> {
    return this.#client.query<R>(sql, params, { ...options, session: this });
  }

  transaction<T>(fn: (tx: TransactionClient) => Promise<T>, options: Omit<TransactionOptions, 'session'> = {}): Promise<T> {
    return this.#client.transaction(fn, { ...options, session: this });
  }

  /** The session's position as a token, after its writes so far; undefined before any write. */
  async token(): Promise<string | undefined> {
    const position = await this.requiredPosition();
    return position === undefined ? undefined : SessionToken.format(position);
  }

  /** @internal A statement ran on the primary and may have written. */
  noteWrite(): void {
    this.#dirty = true;
  }

  /** @internal The position replica reads must have reached. */
  async requiredPosition(): Promise<Lsn | undefined> {
    if (this.#dirty) {
      this.#dirty = false;
      const now = await this.#client.primaryPosition();
      if (this.#position === undefined || now > this.#position) this.#position = now;
    }
    return this.#position;
  }
}
