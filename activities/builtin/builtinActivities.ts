import { createPluginDeps } from '../../plugins/PluginDeps.ts';
import { createPluginRegistry } from '../../plugins/createPluginRegistry.ts';
import { planFromSpecActivity } from '../../workflows/interpreter/planFromSpecActivity.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { planFromSpec } from './planFromSpec.ts';

/**
 * The interpreter's activities: every step of the built-in and in-tree plugins as `<plugin>/<step>`, and the
 * planner for UI starts. External plugins (DBARCH_PLUGINS) are added by the worker host through loadPlugins.
 */
export function builtinActivities(deps: ActivityDeps) {
  const registry = createPluginRegistry(createPluginDeps(deps.urls, deps.log));
  return { ...registry.activities(), [planFromSpecActivity]: planFromSpec(registry) };
}
