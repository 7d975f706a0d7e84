import { parseDuration } from '../../grammar/parseDuration.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import { producedEvents } from './producedEvents.ts';
import type { CacheConfig } from './schema.ts';

export function checkCacheConfig(cache: CacheConfig, ctx: SectionCheckContext): void {
  const policies = cache.ttl_policies;
  const firstByPattern = new Map<string, number>();
  policies.forEach((policy, i) => {
    const first = firstByPattern.get(policy.pattern);
    if (first === undefined) firstByPattern.set(policy.pattern, i);
    else ctx.error(['ttl_policies', i, 'pattern'], 'DBA_SPEC_DUPLICATE_PATTERN', `TTL pattern "${policy.pattern}" is already used by policy ${first + 1}, so this policy never applies`);
    const ttl = parseDuration(policy.ttl);
    if (ttl.ok && ttl.value === 0) ctx.error(['ttl_policies', i, 'ttl'], 'DBA_SPEC_RANGE', 'a TTL of 0 expires keys immediately', 'use a positive TTL, or remove the policy to stop caching these keys');
  });
  reportDuplicates(ctx, (cache.events ?? []).map((e, i) => ({ value: e, path: ['events', i] })), 'event');
  checkDatabaseReference(ctx, cache, ['cluster'], ['database']);
  const sourced = policies.findIndex((p) => p.source !== undefined);
  if (sourced >= 0 && cache.database === undefined) {
    ctx.error(['ttl_policies', sourced, 'source'], 'DBA_SPEC_MISSING_KEY', 'a `source` query needs the database it runs in', 'add `database:` (and `cluster:`) to cache_config');
  }
  reportDuplicates(ctx, (cache.warming ?? []).map((w, i) => ({ value: w.name, path: ['warming', i, 'name'] })), 'warming query');
  if ((cache.warming ?? []).length > 0 && cache.database === undefined) {
    ctx.error(['warming', 0, 'query'], 'DBA_SPEC_MISSING_KEY', 'warming queries need the database they run in', 'add `database:` (and `cluster:`) to cache_config');
  }
  const isProduced = producedEvents(cache, ctx);
  policies.forEach((policy, i) => {
    (policy.invalidate_on ?? []).forEach((event, j) => {
      if (!isProduced(event)) {
        ctx.warn(
          ['ttl_policies', i, 'invalidate_on', j],
          'DBA_SPEC_EVENT_UNPRODUCED',
          `nothing in the spec produces event \`${event}\`, so keys matching "${policy.pattern}" are only evicted by their TTL`,
          `declare it under \`cache_config.events\` if an application emits it, or capture the table in \`cdc_config.tables\``,
        );
      }
    });
  });
}
