import type { Plan } from '../plan/Plan.ts';
import { planSpec, type PlanSpecInput } from '../plan/planSpec.ts';
import { planningError } from './planningError.ts';

/** Plans a spec for an environment, or throws the coded planning error carrying every spec and plan issue. */
export async function planOrThrow(input: PlanSpecInput): Promise<Plan> {
  const result = await planSpec(input);
  if (result.ok) return result.plan;
  throw planningError(`${input.paths.join(', ')} cannot be planned for ${input.environment}`, [...result.specIssues, ...result.planIssues]);
}
