import { Redis } from 'ioredis';
import pg from 'pg';
import { cachePolicyOf } from '../activities/cache/cachePolicyOf.ts';
import { warmCache, type WarmReport } from '../activities/cache/warmCache.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { cacheConnections } from './cacheConnections.ts';
import { planningError } from './planningError.ts';

/**
 * `dbarch cache warm`: runs cache_config.warming (all, or the named ones) in the cache's database (the cluster's
 * primary when the spec declares clusters, else DATABASE_URL, with `database`) and writes the rows to its Redis.
 */
export async function warmCacheOfSpec(paths: readonly string[], names: readonly string[] = [], progress?: (done: number) => void): Promise<WarmReport> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  const cache = compiled.spec.cache_config;
  const warming = (cache?.warming ?? []).filter((w) => names.length === 0 || names.includes(w.name));
  if (cache === undefined || cache.database === undefined || warming.length === 0) {
    throw new DbarchError('DBA_USAGE', names.length > 0 ? `cache_config.warming has no query named ${names.join(', ')}` : 'cache_config has no warming queries (or no database to run them in)', {
      hint: 'add `database:` and `warming: [{ name, query, key }]` to cache_config',
    });
  }
  const policy = cachePolicyOf(cache);
  const { databaseUrl, redisUrl } = cacheConnections(compiled.spec, { ...cache, database: cache.database });
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'dbarch:cache-warm' });
  try {
    await redis.connect();
    return await warmCache(redis, pool, policy, policy.warming.filter((w) => warming.some((chosen) => chosen.name === w.name)), progress);
  } finally {
    redis.disconnect();
    await pool.end();
  }
}
