import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { resolveEnvReferences } from '../compiler/grammar/envReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { primaryUrlOfDatabase } from './primaryUrlOfDatabase.ts';

type CacheConfig = NonNullable<CompiledSpec['cache_config']>;

/**
 * Where a verb working on cache_config connects: its database (the cluster's primary when the spec declares
 * clusters, else DATABASE_URL, with `database`) and its Redis (`url`, else REDIS_URL).
 */
export function cacheConnections(spec: CompiledSpec, cache: CacheConfig & { readonly database: string }): { readonly databaseUrl: string; readonly redisUrl: string } {
  const databaseUrl = primaryUrlOfDatabase(spec, cache.database, cache.cluster);
  if (cache.url === undefined) return { databaseUrl, redisUrl: serviceUrls().redis };
  const resolved = resolveEnvReferences(cache.url, process.env);
  if (!resolved.ok) throw new DbarchError('DBA_SPEC_REFERENCE', `cache_config.url ${cache.url}: ${resolved.message}`);
  return { databaseUrl, redisUrl: resolved.value };
}
