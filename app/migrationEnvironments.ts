import { resolveConnectionUrl } from '../activities/postgres/resolveConnectionUrl.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { deploymentValues } from '../plugins/migrations/deploymentSettings.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { planningError } from './planningError.ts';

export interface MigrationEnvironment {
  readonly name: string;
  readonly database: string;
  /** Resolved on this machine (for the caller's own reads: dry run, repair, baseline). */
  readonly url: string;
  readonly directory: string;
}

/**
 * The spec's deployment environments (or the one asked for) with their databases and migration directories. An
 * invalid spec is the coded planning error carrying every issue (`details.issues`); nothing is printed here.
 */
export async function migrationEnvironments(specPath: string, registry: PluginRegistry, only?: string): Promise<MigrationEnvironment[]> {
  const compiled = await compileSpec([specPath], { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${specPath} is not valid`, compiled.errors);
  const spec = compiled.spec;
  const declared = spec.deployment_config?.environments.map((env) => env.name) ?? [];
  if (only !== undefined && !declared.includes(only)) {
    throw new DbarchError('DBA_PLAN_ENVIRONMENT_UNKNOWN', `environment "${only}" is not declared under deployment_config (declared: ${declared.join(', ') || 'none'})`);
  }
  return (only === undefined ? declared : [only]).map((name) => {
    const env = deploymentValues(spec, name);
    const connection = typeof env.connection === 'string' ? env.connection : undefined;
    const database = typeof env.database === 'string' ? env.database : name;
    if (typeof env.migrations !== 'string') throw new DbarchError('DBA_USAGE', `environment ${name} has no migrations directory`, { hint: 'Set `deployment_config.migrations.directory`.' });
    return { name, database, url: resolveConnectionUrl({ ...(connection ? { connection } : {}), database }, serviceUrls().postgres), directory: env.migrations };
  });
}
