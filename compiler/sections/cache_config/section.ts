import { defineSection } from '../../SectionDefinition.ts';
import { checkCacheConfig } from './checks.ts';
import { CacheConfigSchema } from './schema.ts';

export const cacheConfigSection = defineSection({
  key: 'cache_config',
  title: 'Cache layer',
  description: 'The Redis cache in front of the databases: strategy, TTL policy per key pattern, and the events that invalidate keys.',
  schema: CacheConfigSchema,
  check: checkCacheConfig,
});
