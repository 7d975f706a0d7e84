import { Type } from '@sinclair/typebox';
import { defineSection } from '../../SectionDefinition.ts';
import { checkProcedures } from './checks.ts';
import type { ProceduresSection } from './ProceduresSection.ts';
import { proceduresSchema } from './schema.ts';

export const proceduresSection = defineSection({
  key: 'procedures',
  title: 'Procedures',
  description:
    'User-defined procedures run by the plan interpreter: steps that call plugin steps (`uses: <plugin>/<step>`), with retries, timeouts, conditions, parallel branches, approval gates and compensation.',
  schema: Type.Unsafe<ProceduresSection>(proceduresSchema),
  check: checkProcedures,
});
