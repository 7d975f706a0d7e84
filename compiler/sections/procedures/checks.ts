import { suggestionHint } from '../../didYouMean.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import type { ProcedureStep, ProceduresSection } from './ProceduresSection.ts';

/**
 * Checks that need more than the schema: step ids unique per procedure, gates naming defined roles, calls naming
 * defined procedures. Which plugin steps exist is checked when planning, against the registered plugins.
 */
export function checkProcedures(section: ProceduresSection, ctx: SectionCheckContext): void {
  const roles = Object.keys(section.roles ?? {});
  const procedures = Object.keys(section.definitions ?? {});
  for (const [name, definition] of Object.entries(section.definitions ?? {})) {
    const seen = new Map<string, string>();
    const visit = (steps: readonly ProcedureStep[], path: readonly (string | number)[]): void => {
      steps.forEach((step, index) => {
        const at = [...path, index];
        const first = seen.get(step.id);
        if (first !== undefined) ctx.error([...at, 'id'], 'DBA_PLAN_DUPLICATE_STEP_ID', `step id \`${step.id}\` is already used in procedure \`${name}\` (at ${first})`);
        else seen.set(step.id, at.join('/'));
        if ('approval' in step) {
          if ((step.approval.roles ?? []).length === 0 && (step.approval.identities ?? []).length === 0) {
            ctx.error([...at, 'approval'], 'DBA_SPEC_MISSING_KEY', 'an approval gate needs `roles` or `identities`: nobody could approve it');
          }
          (step.approval.roles ?? []).forEach((role, r) => {
            if (!roles.includes(role)) ctx.error([...at, 'approval', 'roles', r], 'DBA_PLAN_ROLE_UNKNOWN', `role \`${role}\` is not defined under procedures.roles`, suggestionHint(role, roles));
          });
        }
        // Shipped procedures (`dbarch/…`) are known to the planner, which checks those calls.
        if ('call' in step && !step.call.startsWith('dbarch/') && !procedures.includes(step.call)) {
          ctx.error([...at, 'call'], 'DBA_PLAN_PROCEDURE_UNKNOWN', `procedure \`${step.call}\` is not defined`, suggestionHint(step.call, procedures));
        }
        if ('parallel' in step) {
          step.parallel.forEach((branch, b) => {
            if ('steps' in branch) visit(branch.steps, [...at, 'parallel', b, 'steps']);
            else visit([branch], [...at, 'parallel', b]);
          });
        }
      });
    };
    visit(definition.steps, ['definitions', name, 'steps']);
  }
}
