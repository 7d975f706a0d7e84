import { Redis } from 'ioredis';
import pg from 'pg';
import { checkCache, type CacheCheckReport } from '../activities/cache/checkCache.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { cacheConnections } from './cacheConnections.ts';
import { planningError } from './planningError.ts';

/**
 * `dbarch cache check`: the spec's cache_config, its Redis and its database (the cluster's primary when the spec
 * declares clusters, else DATABASE_URL, with `database`), and the sampled comparison of every policy with a `source`.
 */
export async function checkCacheOfSpec(paths: readonly string[], sample: number): Promise<CacheCheckReport> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  const cache = compiled.spec.cache_config;
  const patterns = (cache?.ttl_policies ?? []).flatMap((p) => (p.source === undefined ? [] : [{ pattern: p.pattern, source: p.source }]));
  if (cache === undefined || patterns.length === 0 || cache.database === undefined) {
    throw new DbarchError('DBA_USAGE', 'cache_config has no ttl_policies[].source to compare cached entries with', {
      hint: 'add `database:` to cache_config and a `source:` query to the policies to check',
    });
  }
  const { databaseUrl, redisUrl } = cacheConnections(compiled.spec, { ...cache, database: cache.database });
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'dbarch:cache-check' });
  try {
    await redis.connect();
    return await checkCache(redis, pool, cache.key_prefix ?? '', patterns, sample);
  } finally {
    redis.disconnect();
    await pool.end();
  }
}
