import { Redis } from 'ioredis';
import pg from 'pg';
import { cachePolicyOf } from '../../activities/cache/cachePolicyOf.ts';
import type { CachePolicy } from '../../activities/cache/CachePolicy.ts';
import { warmCache, type WarmingQuery, type WarmReport } from '../../activities/cache/warmCache.ts';
import { resolveConnectionUrl } from '../../activities/postgres/resolveConnectionUrl.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { JsonObject } from '../../plan/Plan.ts';
import { definePlugin } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';

/** Input of cache/warm: cache_config reduced to what runs (durations in ms), filled in from the spec by the planner. */
export interface WarmStepInput {
  readonly policy: CachePolicy & { readonly warming: readonly WarmingQuery[] };
  /** Redis reference (`${REDIS_URL:-…}`), resolved on the worker; default REDIS_URL. */
  readonly url?: string;
  /** Connection reference of the database server; default DATABASE_URL. */
  readonly connection?: string;
  readonly database?: string;
  /** Only these warming queries (default: all). */
  readonly only?: readonly string[];
}

const inputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['policy'],
  properties: {
    policy: { type: 'object', required: ['keyPrefix', 'ttls', 'warming'], properties: { keyPrefix: { type: 'string' }, ttls: { type: 'array' }, warming: { type: 'array' } } },
    url: { type: 'string', minLength: 1 },
    connection: { type: ['string', 'null'], minLength: 1 },
    database: { type: 'string', minLength: 1 },
    only: { type: 'array', items: { type: 'string' } },
  },
};

/**
 * The cache capability: `cache/warm` runs cache_config.warming on a worker (the shipped dbarch/cache_warm,
 * procedures/cache_warm.yaml, run by `dbarch cache warm --workflow`, on deploy by including the step, and on the
 * warming schedule). Idempotent: warming again overwrites the same entries.
 */
export const cachePlugin = definePlugin({
  name: 'cache',
  version: hostVersion,
  host: '*',
  description: 'Redis cache of cache_config: warming queries written to the cache (cache/warm).',
  reads: ['cache_config'],
  planning: {
    stepDefaults: (sections) => {
      const config = sections.cache_config;
      if (config === undefined) return undefined;
      const defaults: JsonObject = {
        policy: cachePolicyOf(config) as unknown as JsonObject,
        ...(config.url === undefined ? {} : { url: config.url }),
        ...(config.database === undefined ? {} : { database: config.database }),
      };
      return defaults;
    },
  },
  procedures: [new URL('../../procedures/cache_warm.yaml', import.meta.url)],
  defaults: { timeout: '10m', retry: { attempts: 5, initialInterval: '1s', nonRetryable: ['DBA_CACHE_WARM_QUERY', 'DBA_SPEC_REFERENCE'] } },
  steps: (deps) => ({
    warm: {
      input: inputSchema,
      describe: (input: WarmStepInput) => `warm the cache with ${input.policy.warming.filter((w) => input.only === undefined || input.only.includes(w.name)).map((w) => w.name).join(', ') || 'no queries'}`,
      run: async (input: WarmStepInput, context): Promise<WarmReport> => {
        let redisUrl = deps.urls.redis;
        if (input.url !== undefined) {
          const resolved = resolveEnvReferences(input.url, process.env);
          if (!resolved.ok) throw new DbarchError('DBA_SPEC_REFERENCE', `cache_config.url ${input.url}: ${resolved.message}`);
          redisUrl = resolved.value;
        }
        const databaseUrl = resolveConnectionUrl({ ...(typeof input.connection === 'string' ? { connection: input.connection } : {}), ...(input.database === undefined ? {} : { database: input.database }) }, deps.urls.postgres);
        const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
        const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'dbarch:cache-warm' });
        try {
          await redis.connect();
          const queries = input.policy.warming.filter((w) => input.only === undefined || input.only.includes(w.name));
          return await warmCache(redis, pool, input.policy, queries, (done) => context.heartbeat({ done }));
        } finally {
          redis.disconnect();
          await pool.end();
        }
      },
    },
  }),
});
