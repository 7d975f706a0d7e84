import { compileSpec } from '../compiler/compileSpec.ts';
import { isProtectedEnvironment } from '../compiler/sections/deployment_config/checks.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { planningError } from './planningError.ts';

export interface CdcEnvironment {
  readonly name: string;
  /** deployment_config's `protected` (or production by name): drops go through the gate only. */
  readonly protected: boolean;
}

/** The environment of a spec without deployment_config: unprotected unless the caller names a production one. */
export const undeclaredCdcEnvironment = 'default';

/**
 * The environment a CDC slot of `database` belongs to: the one named, else the deployment_config environment
 * serving that database (a protected one first when several do, so a forgotten `--env` never skips a gate).
 * A spec that declares environments but none serving the database needs `--env`.
 */
export async function cdcEnvironmentOf(paths: readonly string[], database: string, named?: string): Promise<CdcEnvironment> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  const spec = compiled.spec;
  const environments = spec.deployment_config?.environments ?? [];
  if (named !== undefined) {
    const declared = environments.find((env) => env.name === named);
    return { name: named, protected: isProtectedEnvironment(declared ?? { name: named }) };
  }
  if (spec.deployment_config === undefined) return { name: undeclaredCdcEnvironment, protected: false };
  const serving = environments.filter((env) => env.database === database);
  const chosen = serving.find((env) => isProtectedEnvironment(env)) ?? serving[0];
  if (chosen === undefined) {
    throw new DbarchError('DBA_USAGE', `no deployment_config environment serves database ${database}`, { hint: `name it: --env <one of ${environments.map((env) => env.name).join(', ')}>` });
  }
  return { name: chosen.name, protected: isProtectedEnvironment(chosen) };
}
