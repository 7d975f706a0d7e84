/**
 * What the cache tells whoever counts (gateway/cache/CacheMetrics.ts exports it to Prometheus): each lookup with
 * the TTL policy its key fell under, each invalidation asked for. Kept an interface so the engine stays free of a
 * metrics library and tests can count too.
 */
export interface CacheObserver {
  /** `bypass`: Redis was unavailable or invalidations were pending, so the lookup could not be served from it. */
  lookup(policy: string, result: 'hit' | 'miss' | 'bypass'): void;
  invalidation(kind: 'key' | 'tag' | 'version'): void;
}
