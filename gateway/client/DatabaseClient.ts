import { BrokenCircuitError, ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import pg from 'pg';
import type { QueryResultRow } from 'pg';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { QueryEvent } from '../../activities/monitoring/shipping/QueryEvent.ts';
import { userIdSetting } from '../../activities/security/securityObjects.ts';
import { acquireConnection } from './acquireConnection.ts';
import { awaitReplayPosition } from './awaitReplayPosition.ts';
import { ClientMetrics } from './ClientMetrics.ts';
import { ClientSession } from './ClientSession.ts';
import type { DatabaseClientOptions } from './DatabaseClientOptions.ts';
import type { DataPlaneTarget, ReadPreference } from './DataPlaneTarget.ts';
import type { Endpoint, EndpointStatus } from './Endpoint.ts';
import { isSafeToRetry } from './isSafeToRetry.ts';
import { parseLsn, type Lsn } from './Lsn.ts';
import { mapQueryError } from './mapQueryError.ts';
import type { QueryOptions, TransactionOptions } from './QueryOptions.ts';
import type { Consistency, QueryResult } from './QueryResult.ts';
import { resolveTarget } from './resolveTarget.ts';
import { StatementNames } from './StatementNames.ts';
import { Topology } from './Topology.ts';
import { TransactionClient } from './TransactionClient.ts';

/**
 * Sent with BEGIN in one round trip (simple protocol, so the id is a literal); local to the transaction
 * (is_local = true), so the pooled connection carries no user id into the next one.
 */
const setUserIdSql = (userId: string) => `SELECT set_config('${userIdSetting}', ${pg.escapeLiteral(userId)}, true)`;

/** Where a statement or transaction runs, and what that promises about freshness. */
export interface Route {
  readonly endpoint: Endpoint;
  readonly consistency: Consistency;
  readonly fellBackToPrimary: boolean;
}

/**
 * The seed's DatabaseClient: pools per endpoint from the spec, the primary found by asking the servers, replica
 * reads by weight (lagging replicas left out), read-your-writes through sessions, a circuit breaker per endpoint,
 * retries with exponential backoff and jitter for failures that are safe to retry, coded errors by SQLSTATE
 * class, prom-client metrics. `import { DatabaseClient } from 'dbarch/client'`.
 */
export class DatabaseClient {
  readonly target: DataPlaneTarget;
  readonly metrics: ClientMetrics;
  readonly #topology: Topology;
  readonly #retry: RetryPolicy;
  readonly #names: StatementNames | undefined;
  readonly #readYourWritesWaitMs: number;
  readonly #logger: Logger | undefined;
  readonly #onQuery: ((event: QueryEvent) => void) | undefined;
  #closed = false;

  constructor(options: DatabaseClientOptions) {
    this.target = resolveTarget(options);
    this.#logger = options.logger;
    this.#onQuery = options.onQuery;
    this.#topology = new Topology(this.target, options.logger, options.types);
    this.metrics = new ClientMetrics(this.target.name, () => this.#topology.endpoints, options.metricsRegistry);
    this.#names = options.preparedStatements === false ? undefined : new StatementNames();
    this.#readYourWritesWaitMs = options.readYourWritesWait ?? 200;
    this.#retry = retry(handleWhen(isSafeToRetry), {
      maxAttempts: Math.max(0, (options.maxAttempts ?? 3) - 1),
      backoff: new ExponentialBackoff({ initialDelay: 10, maxDelay: 1000 }),
    });
    // Probing starts now, so the first query finds the roles known.
    this.#topology.whenReady().catch(() => undefined);
  }

  /** Runs one statement (autocommit) where the read preference allows, retrying only what is safe to retry. */
  async query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: readonly unknown[], options: QueryOptions = {}): Promise<QueryResult<R>> {
    if (options.userId !== undefined) return this.#queryForUser<R>(sql, params, options, options.userId);
    if (this.#closed) throw new DbarchError('DBA_CLIENT_CLOSED', `the client for ${this.target.name} is closed`);
    if (!this.#topology.isReady) await this.#topology.whenReady();
    const started = performance.now();
    const preference = options.readPreference ?? this.target.readPreference;
    const session = options.session;
    let role: Endpoint['role'] = 'unknown';
    try {
      const atLeast = session !== undefined && preference !== 'primary' ? await session.requiredPosition() : undefined;
      let attempts = 0;
      const result = await this.#retry.execute(async () => {
        attempts += 1;
        const routed = this.#route(preference, atLeast);
        const route = routed instanceof Promise ? await routed : routed;
        role = route.endpoint.role;
        const r = await route.endpoint.call(() => this.#run<R>(route.endpoint, sql, params));
        return { r, route };
      });
      if (result.route.endpoint.role === 'primary') session?.noteWrite();
      const durationMs = performance.now() - started;
      this.metrics.observe(role, durationMs / 1000);
      const { endpoint, consistency, fellBackToPrimary } = result.route;
      const r = result.r;
      this.#report({ sql, durationMs, rowCount: r.rowCount, role, endpoint: endpoint.key }, options.traceparent);
      return {
        rows: r.rows,
        rowCount: r.rowCount,
        command: r.command,
        fields: r.fields,
        meta: consistency === 'strong'
          ? { endpoint: endpoint.key, role: endpoint.role, consistency, fellBackToPrimary, attempts, durationMs }
          : { endpoint: endpoint.key, role: endpoint.role, consistency, lagMs: endpoint.lagMs, lagBytes: endpoint.lagBytes, fellBackToPrimary, attempts, durationMs },
      };
    } catch (error) {
      const failed = this.#failed(error, role, options.traceparent);
      const coded = isDbarchError(failed) ? failed : undefined;
      const sqlstate = coded?.details.sqlstate;
      this.#report(
        {
          sql,
          durationMs: performance.now() - started,
          rowCount: null,
          role,
          error: { code: coded?.code ?? 'DBA_INTERNAL', message: failed instanceof Error ? failed.message : String(failed), ...(typeof sqlstate === 'string' ? { sqlstate } : {}) },
        },
        options.traceparent,
      );
      throw failed;
    }
  }

  /** Tells the onQuery hook (the slow-query log); a hook that throws cannot fail the query. */
  #report(event: Omit<QueryEvent, 'service' | 'traceparent'>, traceparent: string | undefined): void {
    if (this.#onQuery === undefined) return;
    try {
      this.#onQuery({ service: this.target.name, ...event, ...(traceparent === undefined ? {} : { traceparent }) });
    } catch (error) {
      this.#logger?.warn({ service: this.target.name, err: error }, 'the onQuery hook threw');
    }
  }

  /**
   * Runs fn in one transaction: on the primary, or for a read-only one where its read preference allows. Only
   * getting the connection and BEGIN are retried: fn runs once. A connection lost during COMMIT of a writing
   * transaction is DBA_CLIENT_COMMIT_UNKNOWN.
   */
  async transaction<T>(fn: (tx: TransactionClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.#closed) throw new DbarchError('DBA_CLIENT_CLOSED', `the client for ${this.target.name} is closed`);
    if (!this.#topology.isReady) await this.#topology.whenReady();
    const begin = `BEGIN${options.isolation ? ` ISOLATION LEVEL ${options.isolation.toUpperCase()}` : ''}${options.readOnly ? ' READ ONLY' : ''}`;
    const preference = options.readOnly === true ? (options.readPreference ?? this.target.readPreference) : 'primary';
    let opened: { route: Route; connection: pg.PoolClient };
    try {
      const atLeast = options.session !== undefined && preference !== 'primary' ? await options.session.requiredPosition() : undefined;
      opened = await this.#retry.execute(async () => {
        const route = await this.#route(preference, atLeast);
        const { endpoint } = route;
        return endpoint.call(async () => {
          const connection = await this.#acquire(endpoint);
          try {
            await connection.query(options.userId === undefined ? begin : `${begin}; ${setUserIdSql(options.userId)}`);
          } catch (error) {
            connection.release(true);
            throw mapQueryError(error, { endpoint: endpoint.key, sent: true, readOnly: true });
          }
          return { route, connection };
        });
      });
    } catch (error) {
      throw this.#failed(error, 'primary', undefined);
    }
    const { route, connection } = opened;
    const { endpoint } = route;
    let value: T;
    try {
      value = await fn(new TransactionClient(connection, route, this.#names, this.#onQuery === undefined ? undefined : (event) => this.#report(event, options.traceparent)));
    } catch (error) {
      const rolledBack = await connection.query('ROLLBACK').then(() => true, () => false);
      connection.release(!rolledBack);
      throw isDbarchError(error) ? this.#failed(error, 'primary', undefined) : error;
    }
    try {
      await connection.query('COMMIT');
    } catch (error) {
      connection.release(true);
      throw this.#failed(mapQueryError(error, { endpoint: endpoint.key, sent: true, readOnly: options.readOnly === true }), 'primary', undefined);
    }
    connection.release();
    if (!options.readOnly) options.session?.noteWrite();
    return value;
  }

  /** One statement for an end user: in its own transaction, with `dbarch.user_id` set for it alone. */
  #queryForUser<R extends QueryResultRow>(sql: string, params: readonly unknown[] | undefined, options: QueryOptions, userId: string): Promise<QueryResult<R>> {
    const preference = options.readPreference ?? this.target.readPreference;
    return this.transaction((tx) => tx.query<R>(sql, params), {
      userId,
      ...(preference === 'primary' ? {} : { readOnly: true, readPreference: preference }),
      ...(options.session === undefined ? {} : { session: options.session }),
    });
  }

  /** A read-your-writes session; pass a token from another process's session to continue it here. */
  session(token?: string): ClientSession {
    return new ClientSession(this, token);
  }

  /** The server that answers as primary now (asked of the servers, not read from the spec). */
  async getPrimary(): Promise<{ host: string; port: number }> {
    if (!this.#topology.isReady) await this.#topology.whenReady();
    const primary = this.#topology.lastPrimary;
    if (primary === undefined) throw this.#unavailable('primary');
    return { host: primary.host, port: primary.port };
  }

  /** The primary's current WAL insert position: at or past the commit of every write that returned before. */
  async primaryPosition(): Promise<Lsn> {
    const { rows } = await this.query<{ position: string }>('SELECT pg_current_wal_insert_lsn()::text AS position', [], { readPreference: 'primary' });
    return parseLsn(rows[0]?.position ?? '') ?? 0n;
  }

  /** Each endpoint with its role, health, breaker, lag and pool figures. */
  endpoints(): EndpointStatus[] {
    return this.#topology.status();
  }

  /** Probes every endpoint now (roles, lag, health) instead of at the next interval. */
  refreshTopology(): Promise<void> {
    return this.#topology.refresh();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.metrics.forget();
    await this.#topology.close();
  }

  /** Where to run; a promise only when a read-your-writes read has to wait for a replica (kept off the hot path). */
  #route(preference: ReadPreference, atLeast: Lsn | undefined): Route | Promise<Route> {
    if (preference === 'primary') return this.#primaryRoute(preference, undefined);
    const replica = preference === 'nearest' ? this.#topology.pickNearest() : this.#topology.pickReplica(atLeast);
    if (replica === undefined || replica.role !== 'replica') return this.#primaryRoute(preference, replica);
    if (atLeast === undefined) return { endpoint: replica, consistency: 'eventual', fellBackToPrimary: false };
    const caughtUp: Route = { endpoint: replica, consistency: 'read-your-writes', fellBackToPrimary: false };
    if (replica.position >= atLeast) return caughtUp;
    return this.#awaitPosition(replica, atLeast).then((reached) => (reached ? caughtUp : this.#primaryRoute(preference, replica)));
  }

  #primaryRoute(preference: ReadPreference, passedOver: Endpoint | undefined): Route {
    const primary = this.#topology.primary;
    if (primary === undefined) throw this.#unavailable(preference);
    return { endpoint: primary, consistency: 'strong', fellBackToPrimary: preference !== 'primary' && passedOver !== primary };
  }

  /** Whether the replica replays `position` within the wait; a failure to ask counts as no. */
  async #awaitPosition(replica: Endpoint, position: Lsn): Promise<boolean> {
    let connection: pg.PoolClient | undefined;
    try {
      connection = await this.#acquire(replica);
      const reached = await awaitReplayPosition(connection, position, this.#readYourWritesWaitMs);
      connection.release();
      if (reached !== undefined && reached > replica.position) replica.position = reached;
      return reached !== undefined;
    } catch {
      connection?.release(true);
      return false;
    }
  }

  async #acquire(endpoint: Endpoint): Promise<pg.PoolClient> {
    try {
      return await acquireConnection(endpoint.pool, endpoint.maxPool, this.target.pool.acquireTimeoutMs, endpoint.key);
    } catch (error) {
      throw mapQueryError(error, { endpoint: endpoint.key, sent: false, readOnly: true });
    }
  }

  async #run<R extends QueryResultRow>(endpoint: Endpoint, sql: string, params: readonly unknown[] | undefined): Promise<pg.QueryResult<R>> {
    const connection = await this.#acquire(endpoint);
    try {
      const name = this.#names?.nameFor(sql);
      const result = await connection.query<R>(name === undefined ? { text: sql, values: params as unknown[] } : { name, text: sql, values: params as unknown[] });
      connection.release();
      return result;
    } catch (error) {
      const coded = mapQueryError(error, { endpoint: endpoint.key, sent: true, readOnly: endpoint.role === 'replica' });
      // A connection whose socket failed is destroyed, not handed to the next caller.
      connection.release(coded.details.category === 'connection');
      throw coded;
    }
  }

  #unavailable(preference: ReadPreference): DbarchError {
    // Endpoints that refuse the handshake are a TLS problem to fix, not an outage to wait out.
    const tls = this.#topology.endpoints.find((e) => e.tlsFailure !== undefined);
    if (tls?.tlsFailure !== undefined) {
      return new DbarchError('DBA_CLIENT_TLS', `${this.target.name}: the TLS handshake with ${tls.key} failed: ${tls.tlsFailure.message}`, {
        cause: tls.tlsFailure,
        details: { endpoint: tls.key, tlsCode: (tls.tlsFailure as { code?: string }).code ?? null },
      });
    }
    return new DbarchError('DBA_CLIENT_UNAVAILABLE', `${this.target.name}: no endpoint can take a ${preference} query`, {
      details: { endpoints: this.#topology.status().map(({ endpoint, role, up, breaker, lagMs }) => ({ endpoint, role, up, breaker, lagMs })) },
    });
  }

  #failed(caught: unknown, role: Endpoint['role'], traceparent: string | undefined): unknown {
    // Every attempt refused unsent by an open breaker: no endpoint could take it.
    const error = caught instanceof BrokenCircuitError ? this.#unavailable(role === 'primary' ? 'primary' : 'replica') : caught;
    const code = isDbarchError(error) ? error.code : 'DBA_INTERNAL';
    this.metrics.error(code);
    this.#logger?.warn({ service: this.target.name, role, code, traceparent, err: error }, 'query failed');
    return error;
  }
}
