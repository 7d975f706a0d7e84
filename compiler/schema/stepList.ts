import { Type, type SchemaOptions, type Static } from '@sinclair/typebox';
import { durationField } from './durationField.ts';
import { namedString } from './namedString.ts';
import { stringEnum } from './stringEnum.ts';

/**
 * One executable step. `action` names an activity (built in or from a plugin); a step without one is a manual step:
 * the workflow records it and waits for an operator to confirm it done, which is what the seed's prose steps are.
 */
export const Step = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'What the step does, shown in plans and the Temporal UI.', examples: ['Apply migrations to green_db'] }),
    action: Type.Optional(namedString('action', { description: 'Activity to run; omit for a manual step an operator confirms.', examples: ['migrations.apply'] })),
    with: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Inputs passed to the activity.', examples: [{ database: 'green_db' }] })),
    timeout: Type.Optional(durationField({ description: 'Start-to-close timeout of the activity.', examples: ['10m'] })),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description: 'Retry attempts after the first failure.', examples: [3] })),
    approval: Type.Optional(Type.Boolean({ description: 'Wait for an approval signal before running the step (default false).' })),
    on_error: Type.Optional(stringEnum(['abort', 'continue', 'rollback'] as const, { description: 'What the procedure does when the step fails for good (default `abort`).' })),
  },
  { additionalProperties: false },
);

export type Step = Static<typeof Step>;

/**
 * A step list: the seed's numbered prose (`1. Apply migrations to green_db 2. …`, one YAML plain scalar) or the
 * structured list of steps. The compiler turns prose into manual steps, so execution sees one form.
 */
export function stepList(options: SchemaOptions = {}) {
  return Type.Union(
    [
      Type.String({ minLength: 1, description: 'Numbered prose: `1. First step 2. Second step …` (each becomes a manual step).' }),
      Type.Array(Step, { minItems: 1 }),
    ],
    options,
  );
}
