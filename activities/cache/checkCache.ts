import type { Redis } from 'ioredis';
import type pg from 'pg';
import { cacheKeys } from './cacheKeys.ts';

/** One pattern `dbarch cache check` can verify: its key glob and the query giving a key's true value. */
export interface CheckedPattern {
  readonly pattern: string;
  /** `$1` is the key after the pattern's literal prefix; the first column of the first row is the true value (no row: null). */
  readonly source: string;
}

export interface StaleEntry {
  readonly key: string;
  readonly cached: unknown;
  readonly actual: unknown;
}

export interface CacheCheckReport {
  readonly checked: number;
  readonly stale: readonly StaleEntry[];
}

const literalPrefix = (pattern: string) => pattern.slice(0, pattern.search(/[*?[\\]|$/));

/**
 * The seed's "cache inconsistency" diagnosis: samples up to `sample` live entries per pattern (current namespace
 * version only, found by SCAN, never KEYS), reads each one's true value with the pattern's source query, and
 * reports entries whose cached JSON differs. Read-only on both sides.
 */
export async function checkCache(redis: Redis, pool: pg.Pool, prefix: string, patterns: readonly CheckedPattern[], sample: number): Promise<CacheCheckReport> {
  const keys = cacheKeys(prefix);
  const stale: StaleEntry[] = [];
  let checked = 0;
  for (const { pattern, source } of patterns) {
    const namespace = keys.namespaceOf(pattern);
    const version = (await redis.get(keys.version(namespace))) ?? '0';
    const match = keys.entry(pattern, version);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0' && found.length < sample);
    const prefixLength = literalPrefix(pattern).length;
    for (const entry of found.slice(0, sample)) {
      const text = await redis.get(entry);
      if (text === null) continue; // expired meanwhile
      const key = keys.logical(entry, namespace, version);
      const { rows, fields } = await pool.query(source, [key.slice(prefixLength)]);
      const column = fields[0]?.name;
      const actual: unknown = column === undefined || rows[0] === undefined ? null : (rows[0] as Record<string, unknown>)[column];
      checked += 1;
      if (text !== JSON.stringify(actual ?? null)) stale.push({ key, cached: JSON.parse(text) as unknown, actual: actual ?? null });
    }
  }
  return { checked, stale };
}
