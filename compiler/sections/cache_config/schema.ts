import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const TtlPolicy = Type.Object(
  {
    pattern: namedString('keyPattern', { description: 'Key glob the policy applies to; unique across policies.', examples: ['user:*'] }),
    ttl: durationField({ description: 'Time to live: seconds, or a duration.', examples: [3600, '2h'] }),
    invalidate_on: Type.Optional(Type.Array(namedString('event'), { description: 'Events that evict matching keys.', default: [], examples: [['user.update', 'user.delete']] })),
    source: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Query whose first column is the value a key of this pattern should hold, `$1` being the key after the pattern\'s literal prefix (`42` of `user:42`); `dbarch cache check` compares sampled entries with it.',
        examples: ['SELECT to_jsonb(u) FROM users u WHERE id = $1::int'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const WriteBehindConfig = Type.Object(
  {
    flush_interval: Type.Optional(durationField({ description: 'How often the flusher writes queued writes to PostgreSQL: seconds, or a duration.', default: '5s', examples: [5, '1s'] })),
    batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 500, description: 'Most writes applied in one PostgreSQL transaction.' })),
  },
  { additionalProperties: false },
);

export const WarmingQuery = Type.Object(
  {
    name: namedString('name', { description: 'Name of the warming query, unique in cache_config.warming.' }),
    query: Type.String({
      minLength: 1,
      description: 'Query run in cache_config.database; each row becomes one entry. Its `value` column is the cached value (no `value` column: the row as an object).',
      examples: ['SELECT id, to_jsonb(u) AS value FROM users u ORDER BY last_seen DESC LIMIT 1000'],
    }),
    key: Type.String({ minLength: 1, description: 'Key of each row\'s entry, `{column}` replaced by the row\'s value of that column.', examples: ['user:{id}'] }),
    ttl: Type.Optional(durationField({ description: 'TTL of the warmed entries; default: the TTL of the first ttl_policies[] matching the key (a key none matches is not cached).', examples: [3600] })),
    schedule: Type.Optional(grammarString('dbarch-frequency', { description: 'When to warm again besides on deploy (UTC).', examples: ['hourly', '0 */6 * * *'] })),
  },
  { additionalProperties: false },
);

export const CacheConfigSchema = Type.Object(
  {
    provider: stringEnum(['redis'] as const, { description: 'Cache server.' }),
    url: Type.Optional(grammarString('dbarch-redis-url', { description: 'Cache connection reference.', examples: ['${REDIS_URL:-redis://127.0.0.1:6379}'] })),
    strategy: Type.Optional(stringEnum(['cache_aside', 'write_through', 'write_behind', 'read_through'] as const, { description: 'How the data plane fills the cache.', default: 'cache_aside' })),
    write_behind: Type.Optional(WriteBehindConfig),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) of the database the cache fronts.' })),
    database: Type.Optional(namedString('identifier', { description: 'Database the cache fronts; `ttl_policies[].source` queries run there.' })),
    key_prefix: Type.Optional(Type.String({ description: 'Prefix for every key dbarch writes, to share one Redis between platforms.', examples: ['dbarch:'] })),
    max_memory: Type.Optional(grammarString('dbarch-size', { description: 'Memory the cache may use (Redis `maxmemory`).', examples: ['256MB'] })),
    eviction_policy: Type.Optional(
      stringEnum(['allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'allkeys-random', 'volatile-random', 'volatile-ttl', 'noeviction'] as const, {
        description: 'Redis eviction policy when `max_memory` is reached.',
        default: 'volatile-lru',
      }),
    ),
    events: Type.Optional(Type.Array(namedString('event'), { description: 'Events applications emit themselves; they count as produced for `invalidate_on`.', default: [], examples: [['session.logout']] })),
    ttl_policies: Type.Array(TtlPolicy, { minItems: 1 }),
    warming: Type.Optional(Type.Array(WarmingQuery, { description: 'Queries whose rows are written to the cache by `dbarch cache warm` and the step cache/warm.', default: [] })),
  },
  { additionalProperties: false },
);

export type CacheConfig = Static<typeof CacheConfigSchema>;
