import type { Redis } from 'ioredis';
import type pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { cacheKeys } from './cacheKeys.ts';
import type { CachePolicy } from './CachePolicy.ts';
import { keyPatternMatcher } from './keyPatternMatcher.ts';

/** One cache_config.warming[] entry, its TTL in ms when given. */
export interface WarmingQuery {
  readonly name: string;
  readonly query: string;
  /** `{column}` replaced by the row's value of that column. */
  readonly key: string;
  readonly ttlMs?: number;
}

export interface WarmReport {
  readonly queries: readonly { readonly name: string; readonly rows: number; readonly cached: number; readonly skipped: number }[];
}

/**
 * Runs each warming query and writes its rows to Redis under the names the cache reads (current namespace version,
 * so a later version bump still makes them unreachable). A row whose key no TTL applies to is skipped: what is
 * cacheable stays written down in ttl_policies. Idempotent (SET overwrites); the query runs read-only.
 */
export async function warmCache(redis: Redis, pool: pg.Pool, policy: CachePolicy, queries: readonly WarmingQuery[], progress: (done: number) => void = () => undefined): Promise<WarmReport> {
  const keys = cacheKeys(policy.keyPrefix);
  const ttls = policy.ttls.map((p) => ({ matches: keyPatternMatcher(p.pattern), ttlMs: p.ttlMs }));
  const report: WarmReport['queries'][number][] = [];
  for (const warming of queries) {
    let rows: Record<string, unknown>[];
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY'); // a warming query never writes
      rows = (await client.query<Record<string, unknown>>({ text: warming.query })).rows;
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new DbarchError('DBA_CACHE_WARM_QUERY', `cache_config.warming ${warming.name}: ${(error as Error).message}`);
    } finally {
      client.release();
    }
    let cached = 0;
    const versions = new Map<string, string>();
    const multi = redis.multi();
    for (const row of rows) {
      const key = warming.key.replace(/\{([^}]+)\}/g, (_, column: string) => {
        if (!(column in row)) throw new DbarchError('DBA_CACHE_WARM_QUERY', `cache_config.warming ${warming.name}: the query returns no column "${column}" for the key ${warming.key}`);
        return String(row[column]);
      });
      const ttlMs = warming.ttlMs ?? ttls.find((t) => t.matches(key))?.ttlMs;
      if (ttlMs === undefined || ttlMs === 0) continue;
      const namespace = keys.namespaceOf(key);
      let version = versions.get(namespace);
      if (version === undefined) {
        version = (await redis.get(keys.version(namespace))) ?? '0';
        versions.set(namespace, version);
      }
      multi.set(keys.entry(key, version), JSON.stringify('value' in row ? row.value : row), 'PX', ttlMs);
      cached += 1;
    }
    if (cached > 0) await multi.exec();
    else multi.discard();
    report.push({ name: warming.name, rows: rows.length, cached, skipped: rows.length - cached });
    progress(report.length);
  }
  return { queries: report };
}
