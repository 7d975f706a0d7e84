import type { Client } from '@temporalio/client';
import { compileSpec } from '../compiler/compileSpec.ts';
import type { DeepReadonly } from '../compiler/DeepReadonly.ts';
import type { CacheConfig } from '../compiler/sections/cache_config/schema.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planningError } from './planningError.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';

/** The procedure `dbarch cache warm --workflow` runs: a spec's own `cache_warm` fork, else the shipped one. */
export const cacheWarmProcedure = 'cache_warm';

export interface CacheWarmPlan {
  readonly plan: Plan;
  /** cache_config.database, or `default`: part of the workflow and Schedule ids. */
  readonly database: string;
  readonly warming: DeepReadonly<NonNullable<CacheConfig['warming']>>;
}

/** Plans dbarch/cache_warm for the spec's cache_config; `environment` defaults to the first deployment environment. */
export async function planCacheWarm(paths: readonly string[], environment?: string): Promise<CacheWarmPlan> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const cache = compiled.spec.cache_config;
  if (cache === undefined || (cache.warming ?? []).length === 0) {
    throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no cache_config.warming`, { hint: 'add `database:` and `warming: [{ name, query, key }]` to cache_config' });
  }
  const env = environment ?? compiled.spec.deployment_config?.environments[0]?.name ?? 'default';
  const plan = await planOrThrow({ paths, environment: env, procedure: cacheWarmProcedure, registry });
  return { plan, database: cache.database ?? 'default', warming: cache.warming ?? [] };
}

/**
 * Starts dbarch/cache_warm on `taskQueue` as `cache-warm:<database>:<start time>`: warming is wanted again after a
 * success (the data changed), so the id is not the plan's, which would refuse a second run of a revision that succeeded.
 */
export async function startCacheWarm(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<StartedPlan> {
  const { plan, database } = await planCacheWarm(paths, environment);
  return startPlanWorkflow(client, plan, taskQueue, `cache-warm:${database}:${new Date().toISOString()}`);
}
