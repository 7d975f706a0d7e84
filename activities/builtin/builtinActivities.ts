import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import type { PluginEntry } from '../../plugins/loadPlugins.ts';
import { planFromSpecActivity } from '../../workflows/interpreter/planFromSpecActivity.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { planFromSpec } from './planFromSpec.ts';

/**
 * The interpreter's activities: every step of the built-in, in-tree and external plugins (loaded by the worker
 * host from DBARCH_PLUGINS) as `<plugin>/<step>`, and the planner for UI starts.
 */
export function builtinActivities(deps: ActivityDeps, external: readonly PluginEntry[] = []) {
  const registry = createPluginRegistry(deps, external);
  return { ...registry.activities(), [planFromSpecActivity]: planFromSpec(registry) };
}
