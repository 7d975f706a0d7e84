import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import pg from 'pg';
import type { DataPlaneTarget, TargetEndpoint } from './DataPlaneTarget.ts';
import { isEndpointFailure } from './isEndpointFailure.ts';
import type { Lsn } from './Lsn.ts';

export type EndpointRole = 'primary' | 'replica' | 'unknown';
export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the client knows of one endpoint, for status output, health entries and tests. */
export interface EndpointStatus {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly role: EndpointRole;
  readonly up: boolean;
  readonly breaker: BreakerState;
  /** Replicas: how far behind the primary at the last probe (0 when caught up); undefined before one. */
  readonly lagMs: number | undefined;
  readonly lagBytes: number | undefined;
  /** Whether replica reads may go here now (a replica, up, breaker not open, lag within the bound). */
  readonly readable: boolean;
  readonly pool: { readonly total: number; readonly idle: number; readonly waiting: number; readonly max: number };
}

/**
 * One server: its pool, its circuit breaker and what the last probes said (role, replay position, lag). The
 * breaker opens after `unhealthyThreshold` connection failures in a row and lets one query test it after a
 * health interval; the probes mark it down and up by their own thresholds.
 */
export class Endpoint {
  readonly key: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  /** The managed cluster's member name, when the endpoint is one. */
  readonly member: string | undefined;
  readonly pool: pg.Pool;
  readonly breaker: CircuitBreakerPolicy;
  role: EndpointRole = 'unknown';
  up = false;
  /** Replay position (replicas) or insert position (primary) at the last probe, or the last wait that passed. */
  position: Lsn = 0n;
  lagMs: number | undefined;
  lagBytes: number | undefined;
  /** Round trip of the last probe, for `nearest`. */
  rttMs = Number.POSITIVE_INFINITY;
  /** Smooth weighted round robin's running weight. */
  current = 0;
  failuresInARow = 0;
  /** The last probe failed in its TLS handshake (a wrong CA, a refused version): why queries find no endpoint. */
  tlsFailure: Error | undefined;
  successesInARow = 0;
  #openedAt = 0;
  /** A failure was counted by the breaker since the last success it saw. */
  #failing = false;
  readonly #halfOpenAfterMs: number;

  constructor(endpoint: TargetEndpoint, target: DataPlaneTarget, readonly maxPool: number, types?: pg.CustomTypesConfig) {
    this.host = endpoint.host;
    this.port = endpoint.port;
    this.weight = endpoint.weight;
    this.member = endpoint.member;
    this.key = `${endpoint.host}:${endpoint.port}`;
    this.pool = new pg.Pool({
      host: endpoint.host,
      port: endpoint.port,
      user: target.user,
      password: target.password,
      database: target.database,
      max: maxPool,
      min: target.pool.min,
      idleTimeoutMillis: target.pool.idleTimeoutMs,
      connectionTimeoutMillis: target.connectTimeoutMs,
      application_name: `dbarch-client:${target.name}`,
      ...(target.ssl === undefined ? {} : { ssl: target.ssl }),
      ...(types === undefined ? {} : { types }),
      ...(target.statementTimeoutMs === undefined ? {} : { statement_timeout: target.statementTimeoutMs }),
    });
    // A connection that fails is reported to its query (or, idle, removed by the pool); its 'error' event must
    // not also crash the process.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    this.#halfOpenAfterMs = target.health.intervalMs;
    this.breaker = circuitBreaker(handleWhen(isEndpointFailure), { halfOpenAfter: this.#halfOpenAfterMs, breaker: new ConsecutiveBreaker(target.health.unhealthyThreshold) });
    this.breaker.onBreak(() => (this.#openedAt = Date.now()));
  }

  /**
   * Runs fn under the breaker. While it is closed, fn runs outside cockatiel (a policy call is several promise
   * hops per query) and the breaker is told only what changes its count: each endpoint failure, and the first
   * success after one. Open or half-open, cockatiel decides.
   */
  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.breaker.state !== CircuitState.Closed) return this.breaker.execute(fn);
    let value: T;
    try {
      value = await fn();
    } catch (error) {
      if (isEndpointFailure(error)) {
        this.#failing = true;
        await this.breaker.execute(() => Promise.reject(error as Error)).catch(() => undefined);
      }
      throw error;
    }
    if (this.#failing) {
      this.#failing = false;
      await this.breaker.execute(() => value);
    }
    return value;
  }

  get breakerState(): BreakerState {
    const state = this.breaker.state;
    return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
  }

  /** Queries may be sent: the breaker is closed, or open long enough that one query may test it. */
  get callable(): boolean {
    const state = this.breaker.state;
    return state === CircuitState.Closed || (state === CircuitState.Open && Date.now() - this.#openedAt >= this.#halfOpenAfterMs);
  }

  status(readable: boolean): EndpointStatus {
    return {
      endpoint: this.key,
      host: this.host,
      port: this.port,
      weight: this.weight,
      role: this.role,
      up: this.up,
      breaker: this.breakerState,
      lagMs: this.lagMs,
      lagBytes: this.lagBytes,
      readable,
      pool: { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount, max: this.maxPool },
    };
  }
}
