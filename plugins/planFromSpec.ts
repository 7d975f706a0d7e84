import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { planSpec } from '../plan/planSpec.ts';
import type { PluginRegistry } from './PluginRegistry.ts';

export interface PlanFromSpecInput {
  readonly path: string;
  readonly environment: string;
  readonly procedure?: string;
}

/**
 * `dbarch.planFromSpec`: the first activity of an interpreter started from the UI with a spec reference. The plan
 * it returns is recorded in history, so the run never depends on the files again.
 */
export function planFromSpec(registry: PluginRegistry) {
  return async function planFromSpec(input: PlanFromSpecInput): Promise<Plan> {
    const result = await planSpec({ paths: [input.path], environment: input.environment, ...(input.procedure ? { procedure: input.procedure } : {}), registry });
    if (result.ok) return result.plan;
    const first = result.specIssues[0] ?? result.planIssues[0];
    throw new DbarchError(first?.code ?? 'DBA_PLAN_INVALID', `${input.path} cannot be planned for ${input.environment}: ${first?.message ?? 'unknown problem'}`, {
      details: { specIssues: result.specIssues, planIssues: result.planIssues },
    });
  };
}
