import { createPluginRegistry } from './createPluginRegistry.ts';
import { loadPlugins } from './loadPlugins.ts';
import { createPluginDeps } from './PluginDeps.ts';
import type { PluginRegistry } from './PluginRegistry.ts';
import { createLogger } from '../runtime/logger.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';

/** Every plugin of this process: built in, in-tree and DBARCH_PLUGINS. Building them opens no connection. */
export async function loadPluginRegistry(): Promise<PluginRegistry> {
  return createPluginRegistry(createPluginDeps(serviceUrls(), createLogger({ name: 'dbarch-cli', level: 'warn' })), await loadPlugins());
}
