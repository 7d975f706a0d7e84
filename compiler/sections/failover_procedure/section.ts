import { defineSection } from '../../SectionDefinition.ts';
import { stepListSteps } from '../stepListSteps.ts';
import { checkFailoverProcedure } from './checks.ts';
import { FailoverProcedureSchema } from './schema.ts';

export const failoverProcedureSection = defineSection({
  key: 'failover_procedure',
  title: 'Failover procedure',
  description: 'What happens when the primary fails: detection settings and the steps, as numbered prose (seed form) or structured steps.',
  schema: FailoverProcedureSchema,
  check: checkFailoverProcedure,
  resolve(procedure) {
    const plan = typeof procedure === 'string' || Array.isArray(procedure) ? { steps: procedure } : procedure;
    const steps = stepListSteps(plan.steps);
    return steps.ok ? { ...plan, steps: steps.value } : plan;
  },
});
