import { defineSection } from '../../SectionDefinition.ts';
import { stepListSteps } from '../stepListSteps.ts';
import { checkBlueGreen } from './checks.ts';
import { BlueGreenSchema } from './schema.ts';

export const blueGreenSection = defineSection({
  key: 'blue_green',
  title: 'Blue-green deployment',
  description: 'Two databases, one serving traffic and one receiving migrations, and the steps that switch them.',
  schema: BlueGreenSchema,
  check: checkBlueGreen,
  resolve(config) {
    const steps = stepListSteps(config.deployment_steps);
    return steps.ok ? { ...config, deployment_steps: steps.value } : config;
  },
});
