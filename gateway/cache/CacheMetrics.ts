import { Counter, Gauge, Registry } from 'prom-client';
import type { CacheObserver } from '../../activities/cache/CacheObserver.ts';

/**
 * prom-client metrics of one cache (its key prefix the `prefix` label): lookups by TTL policy and result, the
 * invalidations asked for, and the invalidations waiting for Redis. The registry may be shared with the data
 * plane's client metrics, so one /metrics serves both; the catalogue's cache_hit_ratio is computed from these.
 */
export class CacheMetrics implements CacheObserver {
  readonly registry: Registry;
  readonly #lookups: Counter<'prefix' | 'policy' | 'result'>;
  readonly #invalidations: Counter<'prefix' | 'kind'>;
  readonly #prefix: string;

  constructor(prefix: string, pending: () => number, registry: Registry = new Registry()) {
    this.registry = registry;
    this.#prefix = prefix;
    this.#lookups = (registry.getSingleMetric('dbarch_cache_lookups_total') as Counter<'prefix' | 'policy' | 'result'> | undefined) ?? new Counter({
      name: 'dbarch_cache_lookups_total',
      help: 'Cache lookups by TTL policy (its key pattern) and result: hit, miss, or bypass (Redis unavailable or invalidations pending).',
      labelNames: ['prefix', 'policy', 'result'],
      registers: [registry],
    });
    this.#invalidations = (registry.getSingleMetric('dbarch_cache_invalidations_total') as Counter<'prefix' | 'kind'> | undefined) ?? new Counter({
      name: 'dbarch_cache_invalidations_total',
      help: 'Invalidations asked for, by kind: key, tag or version bump.',
      labelNames: ['prefix', 'kind'],
      registers: [registry],
    });
    pendingOf(registry).set(prefix, pending);
  }

  lookup(policy: string, result: 'hit' | 'miss' | 'bypass'): void {
    this.#lookups.inc({ prefix: this.#prefix, policy, result });
  }

  invalidation(kind: 'key' | 'tag' | 'version'): void {
    this.#invalidations.inc({ prefix: this.#prefix, kind });
  }

  /** Stops reporting this cache's pending invalidations (after close()). */
  forget(): void {
    pendingOf(this.registry).delete(this.#prefix);
  }
}

const pendingSources = new WeakMap<Registry, Map<string, () => number>>();

/** The caches whose pending invalidations one registry reports, read when scraped. */
function pendingOf(registry: Registry): Map<string, () => number> {
  const sources = pendingSources.get(registry);
  if (sources !== undefined) return sources;
  const made = new Map<string, () => number>();
  pendingSources.set(registry, made);
  new Gauge({
    name: 'dbarch_cache_pending_invalidations',
    help: 'Invalidations waiting for Redis to come back (replayed before the cache serves from Redis again).',
    labelNames: ['prefix'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [prefix, pending] of made) this.set({ prefix }, pending());
    },
  });
  return made;
}
