import type { Plan } from '../plan/Plan.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';

/** The procedure every migration trigger runs: the spec's own `migration_pipeline` (a fork), else the shipped one. */
export const migrationProcedure = 'migration_pipeline';

/** The migration pipeline's plan for one environment of a spec. */
export function planMigration(specPath: string, environment: string, registry: PluginRegistry): Promise<Plan> {
  return planOrThrow({ paths: [specPath], environment, procedure: migrationProcedure, registry });
}
