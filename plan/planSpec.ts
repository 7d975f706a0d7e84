import { compileSpec } from '../compiler/compileSpec.ts';
import type { SpecIssue } from '../compiler/SpecIssue.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { compilePlan } from './compilePlan.ts';
import type { Plan } from './Plan.ts';
import type { PlanIssue } from './PlanIssue.ts';

export interface PlanSpecInput {
  readonly paths: readonly string[];
  readonly environment: string;
  readonly procedure?: string;
  readonly registry: PluginRegistry;
}

export type PlanSpecResult =
  | { readonly ok: true; readonly plan: Plan; readonly warnings: readonly SpecIssue[] }
  | { readonly ok: false; readonly specIssues: readonly SpecIssue[]; readonly planIssues: readonly PlanIssue[] };

/** Spec files → compiled spec (with the plugins' sections) → plan. What `dbarch plan/apply` and UI starts share. */
export async function planSpec(input: PlanSpecInput): Promise<PlanSpecResult> {
  const compiled = await compileSpec(input.paths, { sections: input.registry.sections() });
  if (!compiled.valid || !compiled.spec) return { ok: false, specIssues: compiled.errors, planIssues: [] };
  const procedures = compiled.spec.procedures;
  if (!procedures) {
    return { ok: false, specIssues: [], planIssues: [{ code: 'DBA_PLAN_PROCEDURE_UNKNOWN', path: '/procedures', message: 'the spec has no `procedures:` section to plan' }] };
  }
  const pluginConfig = Object.fromEntries(input.registry.list().map((plugin) => [plugin.name, compiled.spec?.[plugin.name]]));
  const planned = compilePlan({
    procedures,
    ...(input.procedure !== undefined ? { procedure: input.procedure } : {}),
    environment: input.environment,
    specRevision: compiled.revision,
    catalog: input.registry,
    pluginConfig,
  });
  return planned.ok ? { ok: true, plan: planned.plan, warnings: compiled.warnings } : { ok: false, specIssues: [], planIssues: planned.issues };
}
