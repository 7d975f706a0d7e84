import type pg from 'pg';
import type { QueryResultRow } from 'pg';
import type { QueryEvent } from '../../activities/monitoring/shipping/QueryEvent.ts';
import type { Route } from './DatabaseClient.ts';
import { mapQueryError } from './mapQueryError.ts';
import type { QueryResult } from './QueryResult.ts';
import type { StatementNames } from './StatementNames.ts';

/** The statements of one transaction(fn), on one connection to the primary. */
export class TransactionClient {
  readonly #connection: pg.PoolClient;
  readonly #route: Route;
  readonly #names: StatementNames | undefined;
  readonly #report: ((event: Omit<QueryEvent, 'service' | 'traceparent'>) => void) | undefined;

  constructor(connection: pg.PoolClient, route: Route, names: StatementNames | undefined, report?: (event: Omit<QueryEvent, 'service' | 'traceparent'>) => void) {
    this.#connection = connection;
    this.#route = route;
    this.#names = names;
    this.#report = report;
  }

  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    const started = performance.now();
    const { endpoint, consistency, fellBackToPrimary } = this.#route;
    try {
      const name = this.#names?.nameFor(sql);
      const result = await this.#connection.query<R>(name === undefined ? { text: sql, values: params as unknown[] } : { name, text: sql, values: params as unknown[] });
      this.#report?.({ sql, durationMs: performance.now() - started, rowCount: result.rowCount, role: endpoint.role, endpoint: endpoint.key });
      return {
        rows: result.rows,
        rowCount: result.rowCount,
        command: result.command,
        fields: result.fields,
        meta: { endpoint: endpoint.key, role: endpoint.role, consistency, fellBackToPrimary, attempts: 1, durationMs: performance.now() - started, ...(endpoint.role === 'replica' ? { lagMs: endpoint.lagMs, lagBytes: endpoint.lagBytes } : {}) },
      };
    } catch (error) {
      // Nothing commits before COMMIT: a connection lost here rolled the transaction back.
      const mapped = mapQueryError(error, { endpoint: endpoint.key, sent: true, readOnly: true });
      const sqlstate = mapped.details.sqlstate;
      this.#report?.({
        sql,
        durationMs: performance.now() - started,
        rowCount: null,
        role: endpoint.role,
        endpoint: endpoint.key,
        error: { code: mapped.code, message: mapped.message, ...(typeof sqlstate === 'string' ? { sqlstate } : {}) },
      });
      throw mapped;
    }
  }
}
