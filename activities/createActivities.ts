import type { PluginEntry } from '../plugins/loadPlugins.ts';
import type { ActivityDeps } from './ActivityDeps.ts';
import { backupActivities } from './backup/backupActivities.ts';
import { builtinActivities } from './builtin/builtinActivities.ts';
import { replicationActivities } from './replication/replicationActivities.ts';
import { smokeActivities } from './smoke/smokeActivities.ts';

/** Every activity a worker registers, by the name workflows call it; `plugins` are the external ones (DBARCH_PLUGINS). */
export function createActivities(deps: ActivityDeps, plugins: readonly PluginEntry[] = []) {
  return { ...smokeActivities(deps), ...builtinActivities(deps, plugins), ...backupActivities(deps), ...replicationActivities(deps) };
}

export type BuiltinActivities = ReturnType<typeof createActivities>;
