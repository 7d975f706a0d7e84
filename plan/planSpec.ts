import { compileSpec } from '../compiler/compileSpec.ts';
import type { ProceduresSection } from '../compiler/sections/procedures/ProceduresSection.ts';
import type { SpecIssue } from '../compiler/SpecIssue.ts';
import { approvalVerificationOf } from './approvalVerificationOf.ts';
import type { CapabilityCatalog } from './CapabilityCatalog.ts';
import { compilePlan } from './compilePlan.ts';
import type { Plan } from './Plan.ts';
import type { PlanIssue } from './PlanIssue.ts';
import { shippedPrefix } from './shippedProcedures.ts';

export interface PlanSpecInput {
  readonly paths: readonly string[];
  readonly environment: string;
  readonly procedure?: string;
  readonly registry: CapabilityCatalog;
  /** The shipped library to offer under `dbarch/` (default: the procedures the registered capabilities ship). */
  readonly shipped?: ProceduresSection;
}

export type PlanSpecResult =
  | { readonly ok: true; readonly plan: Plan; readonly warnings: readonly SpecIssue[] }
  | { readonly ok: false; readonly specIssues: readonly SpecIssue[]; readonly planIssues: readonly PlanIssue[] };

/**
 * Spec files → compiled spec (with the plugins' sections) → plan. What `dbarch plan/apply/migrate` and UI starts
 * share. The shipped procedures are planned as `dbarch/<name>`; asking for `<name>` takes the spec's own
 * definition when it has one (a fork, or a procedure a section describes such as `failover`), else the shipped
 * one. Roles: the spec's override the defaults.
 */
export async function planSpec(input: PlanSpecInput): Promise<PlanSpecResult> {
  const compiled = await compileSpec(input.paths, { sections: input.registry.sections() });
  if (!compiled.valid || !compiled.spec) return { ok: false, specIssues: compiled.errors, planIssues: [] };
  const written = compiled.spec.procedures ?? {};
  const described = input.registry.sectionProcedures(compiled.spec);
  // The spec's own procedures: those its sections describe (failover_procedure …), then `procedures:`, which wins.
  const own: ProceduresSection = { roles: { ...described.roles, ...written.roles }, definitions: { ...described.definitions, ...written.definitions } };
  const shipped = input.shipped ?? input.registry.procedures();
  const procedures: ProceduresSection = {
    roles: { ...shipped.roles, ...own.roles },
    definitions: { ...shipped.definitions, ...own.definitions },
  };
  const procedure = resolveProcedureName(input.procedure, Object.keys(own.definitions ?? {}), Object.keys(shipped.definitions ?? {}));
  const approvals = approvalVerificationOf(compiled.spec, input.environment);
  const planned = compilePlan({
    procedures,
    ...(procedure !== undefined ? { procedure } : {}),
    environment: input.environment,
    // A spec that declares its environments is planned only for those (a typo must not drop a gate).
    ...(compiled.spec.deployment_config ? { environments: compiled.spec.deployment_config.environments.map((env) => env.name) } : {}),
    specRevision: compiled.revision,
    catalog: input.registry,
    stepDefaults: input.registry.stepDefaults(compiled.spec, input.environment),
    context: input.registry.planContext(compiled.spec, input.environment),
    ...(approvals ? { approvals } : {}),
  });
  if (planned.ok) return { ok: true, plan: planned.plan, warnings: compiled.warnings };
  // A setting's problem is the user's own spec's: reported like a compiler error, at its file, line and column.
  const located = planned.issues.filter((issue) => settingCodes.has(issue.code));
  return {
    ok: false,
    specIssues: located.map((issue) => ({ ...compiled.locate(issue.path), path: issue.path, code: issue.code, message: issue.message, hint: issue.hint ?? '', severity: 'error' as const })),
    planIssues: planned.issues.filter((issue) => !settingCodes.has(issue.code)),
  };
}

const settingCodes: ReadonlySet<string> = new Set(['DBA_PLAN_SETTING_UNSET', 'DBA_PLAN_SETTING_INVALID']);

/** The spec's own name first (so a fork wins), then the shipped `dbarch/<name>`; none asked: the spec's only one. */
export function resolveProcedureName(requested: string | undefined, own: readonly string[], shipped: readonly string[]): string | undefined {
  if (requested === undefined) return own.length === 1 ? own[0] : undefined;
  if (own.includes(requested) || requested.startsWith(shippedPrefix)) return requested;
  return shipped.includes(`${shippedPrefix}${requested}`) ? `${shippedPrefix}${requested}` : requested;
}
