import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the cache capability: the cache library (dbarch/cache), write-behind and warming. */
export const cacheCodes = defineCodes({
  DBA_CACHE_UNAVAILABLE: {
    summary: 'Redis did not take a write-behind write: without Redis there is nowhere durable to queue it, so it was not accepted.',
    hint: 'Check that Redis runs (cache_config.url or REDIS_URL) and retry the write, or write to PostgreSQL directly (writeThrough) while Redis is down.',
    retryable: true,
  },
  DBA_CACHE_WARM_QUERY: {
    summary: 'A cache_config.warming query failed in PostgreSQL, or returned no `key` column to name the entries.',
    hint: 'Run the query in the cache_config database yourself; it must return a `key` column (the logical key) and a `value` column (the value to cache).',
    retryable: false,
  },
});
