import { createActivityDeps, type ActivityDeps } from '../activities/ActivityDeps.ts';

/** What plugin steps are built from: exactly the engine's dependencies, so built-in and third-party code are wired alike. */
export type PluginDeps = ActivityDeps;

export const createPluginDeps = createActivityDeps;
