import type { ActivityDeps } from './ActivityDeps.ts';
import { backupActivities } from './backup/backupActivities.ts';
import { builtinActivities } from './builtin/builtinActivities.ts';
import { replicationActivities } from './replication/replicationActivities.ts';
import { smokeActivities } from './smoke/smokeActivities.ts';

/** Every built-in activity, by the name workflows call it. */
export function createActivities(deps: ActivityDeps) {
  return { ...smokeActivities(deps), ...builtinActivities(deps), ...backupActivities(deps), ...replicationActivities(deps) };
}

export type BuiltinActivities = ReturnType<typeof createActivities>;
