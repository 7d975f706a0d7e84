import { builtinPlugin } from './builtin/builtinPlugin.ts';
import { hostVersion } from './hostVersion.ts';
import { inTreePlugins } from './inTreePlugins.ts';
import type { PluginEntry } from './loadPlugins.ts';
import type { PluginDeps } from './PluginDeps.ts';
import { PluginRegistry } from './PluginRegistry.ts';

/** A registry holding the built-in steps, the in-tree plugins and the given external ones (checked, in dependency order). */
export function createPluginRegistry(deps: PluginDeps, external: readonly PluginEntry[] = [], host = hostVersion): PluginRegistry {
  const registry = new PluginRegistry(deps, host);
  registry.register(builtinPlugin, 'dbarch');
  registry.registerAll([...inTreePlugins, ...external]);
  return registry;
}
