import { compileSpec } from '../compiler/compileSpec.ts';
import type { ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import type { SpecIssue } from '../compiler/SpecIssue.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { compilePlan } from './compilePlan.ts';
import { deploymentContext } from './deploymentContext.ts';
import type { Plan } from './Plan.ts';
import type { PlanIssue } from './PlanIssue.ts';
import { shippedPrefix, shippedProcedures } from './shippedProcedures.ts';

export interface PlanSpecInput {
  readonly paths: readonly string[];
  readonly environment: string;
  readonly procedure?: string;
  readonly registry: PluginRegistry;
  /** The shipped library to offer under `dbarch/` (default: procedures/ of this dbarch). */
  readonly shipped?: ProceduresSection;
}

export type PlanSpecResult =
  | { readonly ok: true; readonly plan: Plan; readonly warnings: readonly SpecIssue[] }
  | { readonly ok: false; readonly specIssues: readonly SpecIssue[]; readonly planIssues: readonly PlanIssue[] };

/**
 * Spec files → compiled spec (with the plugins' sections) → plan. What `dbarch plan/apply/migrate` and UI starts
 * share. The shipped procedures are planned as `dbarch/<name>`; asking for `<name>` takes the spec's own
 * definition when it has one (a fork), else the shipped one. Roles: the spec's override the shipped defaults.
 */
export async function planSpec(input: PlanSpecInput): Promise<PlanSpecResult> {
  const compiled = await compileSpec(input.paths, { sections: input.registry.sections() });
  if (!compiled.valid || !compiled.spec) return { ok: false, specIssues: compiled.errors, planIssues: [] };
  const own = compiled.spec.procedures ?? {};
  const shipped = input.shipped ?? shippedProcedures();
  const procedures: ProceduresSection = {
    roles: { ...shipped.roles, ...own.roles },
    definitions: { ...shipped.definitions, ...own.definitions },
  };
  const procedure = resolveProcedureName(input.procedure, Object.keys(own.definitions ?? {}), Object.keys(shipped.definitions ?? {}));
  const pluginConfig = Object.fromEntries(input.registry.list().map((plugin) => [plugin.name, compiled.spec?.[plugin.name]]));
  const planned = compilePlan({
    procedures,
    ...(procedure !== undefined ? { procedure } : {}),
    environment: input.environment,
    // A spec that declares its environments is planned only for those (a typo must not drop a gate).
    ...(compiled.spec.deployment_config ? { environments: compiled.spec.deployment_config.environments.map((env) => env.name) } : {}),
    specRevision: compiled.revision,
    catalog: input.registry,
    pluginConfig,
    context: deploymentContext(compiled.spec, input.environment),
  });
  return planned.ok ? { ok: true, plan: planned.plan, warnings: compiled.warnings } : { ok: false, specIssues: [], planIssues: planned.issues };
}

/** The spec's own name first (so a fork wins), then the shipped `dbarch/<name>`; none asked: the spec's only one. */
export function resolveProcedureName(requested: string | undefined, own: readonly string[], shipped: readonly string[]): string | undefined {
  if (requested === undefined) return own.length === 1 ? own[0] : undefined;
  if (own.includes(requested) || requested.startsWith(shippedPrefix)) return requested;
  return shipped.includes(`${shippedPrefix}${requested}`) ? `${shippedPrefix}${requested}` : requested;
}
