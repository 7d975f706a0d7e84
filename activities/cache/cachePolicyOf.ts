import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import type { CacheConfig } from '../../compiler/sections/cache_config/schema.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { CachePolicy } from './CachePolicy.ts';
import type { WarmingQuery } from './warmCache.ts';

function milliseconds(value: string | number, path: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new DbarchError('DBA_SPEC_DURATION', `${path}: ${parsed.message}`);
  return parsed.value;
}

/** cache_config reduced to what runs: TTLs and warming queries with their durations in ms. */
export function cachePolicyOf(config: DeepReadonly<CacheConfig>): CachePolicy & { readonly warming: readonly WarmingQuery[] } {
  return {
    keyPrefix: config.key_prefix ?? '',
    ttls: config.ttl_policies.map((p, i) => ({ pattern: p.pattern, ttlMs: milliseconds(p.ttl, `cache_config.ttl_policies[${i}].ttl`) })),
    warming: (config.warming ?? []).map((w, i) => ({ name: w.name, query: w.query, key: w.key, ...(w.ttl === undefined ? {} : { ttlMs: milliseconds(w.ttl, `cache_config.warming[${i}].ttl`) }) })),
  };
}
