import type { ActivityDeps } from './ActivityDeps.ts';
import { builtinActivities } from './builtin/builtinActivities.ts';
import { smokeActivities } from './smoke/smokeActivities.ts';

/** Every built-in activity, by the name workflows call it. */
export function createActivities(deps: ActivityDeps) {
  return { ...smokeActivities(deps), ...builtinActivities(deps) };
}

export type BuiltinActivities = ReturnType<typeof createActivities>;
