import type { Client } from '@temporalio/client';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planningError } from './planningError.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';

/** The procedure `dbarch cache warm --workflow` runs: a spec's own `cache_warm` fork, else the shipped one. */
export const cacheWarmProcedure = 'cache_warm';

/**
 * Starts dbarch/cache_warm for the spec's cache_config on `taskQueue` as `cache-warm:<database>:<plan hash>`: the
 * same spec warmed twice at once attaches to one run. `environment` defaults to the first deployment environment.
 */
export async function startCacheWarm(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<StartedPlan> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const cache = compiled.spec.cache_config;
  if (cache === undefined || (cache.warming ?? []).length === 0) {
    throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no cache_config.warming`, { hint: 'add `database:` and `warming: [{ name, query, key }]` to cache_config' });
  }
  const env = environment ?? compiled.spec.deployment_config?.environments[0]?.name ?? 'default';
  const plan = await planOrThrow({ paths, environment: env, procedure: cacheWarmProcedure, registry });
  return startPlanWorkflow(client, plan, taskQueue, `cache-warm:${cache.database ?? 'default'}:${plan.hash.slice(0, 16)}`);
}
