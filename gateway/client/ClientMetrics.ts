import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Endpoint } from './Endpoint.ts';

/**
 * prom-client metrics of one client: pool gauges per endpoint (read when scraped, so they cost queries
 * nothing), a latency histogram per role and error counts per code. The registry can be shared by several
 * clients (the gateway's routes); the `service` label tells them apart.
 */
export class ClientMetrics {
  readonly registry: Registry;
  readonly #latency: Histogram<'service' | 'role'>;
  readonly #errors: Counter<'service' | 'code'>;
  readonly #byRole: Record<'primary' | 'replica' | 'unknown', Histogram.Internal<'service' | 'role'>>;
  readonly #service: string;

  constructor(service: string, endpoints: () => readonly Endpoint[], registry: Registry = new Registry()) {
    this.registry = registry;
    this.#service = service;
    poolsOf(registry).set(service, endpoints);
    this.#latency = (registry.getSingleMetric('dbarch_client_query_duration_seconds') as Histogram<'service' | 'role'> | undefined) ?? new Histogram({
      name: 'dbarch_client_query_duration_seconds',
      help: 'Time from query() to its result, retries and waits included.',
      labelNames: ['service', 'role'],
      buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.#errors = (registry.getSingleMetric('dbarch_client_errors_total') as Counter<'service' | 'code'> | undefined) ?? new Counter({
      name: 'dbarch_client_errors_total',
      help: 'Failed queries by dbarch error code.',
      labelNames: ['service', 'code'],
      registers: [registry],
    });
    this.#byRole = {
      primary: this.#latency.labels({ service, role: 'primary' }),
      replica: this.#latency.labels({ service, role: 'replica' }),
      unknown: this.#latency.labels({ service, role: 'unknown' }),
    };
  }

  observe(role: 'primary' | 'replica' | 'unknown', seconds: number): void {
    this.#byRole[role].observe(seconds);
  }

  error(code: string): void {
    this.#errors.inc({ service: this.#service, code });
  }

  /** Stops reporting this client's pools (after close()). */
  forget(): void {
    poolsOf(this.registry).delete(this.#service);
  }
}

type PoolSources = Map<string, () => readonly Endpoint[]>;
const poolSources = new WeakMap<Registry, PoolSources>();

/** The clients whose pools one registry reports, and its pool gauge, made on first use. */
function poolsOf(registry: Registry): PoolSources {
  let sources = poolSources.get(registry);
  if (sources !== undefined) return sources;
  const found: PoolSources = new Map();
  sources = found;
  poolSources.set(registry, found);
  new Gauge({
    name: 'dbarch_client_pool_connections',
    help: 'Connections of a client pool by state (active, idle, waiting callers, max).',
    labelNames: ['service', 'endpoint', 'role', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [service, endpoints] of found) {
        for (const e of endpoints()) {
          const labels = { service, endpoint: e.key, role: e.role };
          this.set({ ...labels, state: 'active' }, e.pool.totalCount - e.pool.idleCount);
          this.set({ ...labels, state: 'idle' }, e.pool.idleCount);
          this.set({ ...labels, state: 'waiting' }, e.pool.waitingCount);
          this.set({ ...labels, state: 'max' }, e.maxPool);
        }
      }
    },
  });
  return found;
}
