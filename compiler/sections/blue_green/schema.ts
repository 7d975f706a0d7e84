import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { stepList } from '../../schema/stepList.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

const connection = (description: string, example: string) => grammarString('dbarch-postgres-url', { description, examples: [example] });

export const BlueGreenMonitor = Type.Object(
  {
    duration: Type.Optional(durationField({ description: 'How long green is watched after the switch before the rollback window starts.', default: '5m' })),
    interval: Type.Optional(durationField({ description: 'Time between health checks.', default: '10s' })),
    health_query: Type.Optional(Type.String({ minLength: 1, description: 'SQL run on green; its first value must be true (default `SELECT true`).', examples: ['SELECT count(*) < 100 FROM app.failed_jobs'] })),
    max_failures: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Failed checks in a row tolerated; one more switches traffic back to blue.', default: 2 })),
  },
  { additionalProperties: false, description: 'The watch after the switch (step 5): failing it switches traffic back to blue.' },
);

/**
 * The blue-green deployment of the seed, and the settings of the shipped procedure `dbarch/blue_green` that runs
 * it: the planner merges this section into the input of every `blue_green/*` step (docs/operations/blue-green.md).
 */
export const BlueGreenSchema = Type.Object(
  {
    current: namedString('identifier', { description: 'Database serving production traffic (blue).', examples: ['blue_db'] }),
    standby: namedString('identifier', { description: 'Database receiving migrations before the switch (green).', examples: ['green_db'] }),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) serving both databases.' })),
    connections: Type.Optional(
      Type.Object(
        {
          current: Type.Optional(connection('Connection reference of the server holding `current`; default the environment\'s connection (or its cluster\'s primary).', '${BLUE_DATABASE_URL}')),
          standby: Type.Optional(connection('Connection reference of the server holding `standby`; default the same server as `current`.', '${GREEN_DATABASE_URL:-postgres://postgres@127.0.0.1:5433/postgres}')),
        },
        { additionalProperties: false, description: 'Where blue and green live, when not on the environment\'s server; references, never passwords.' },
      ),
    ),
    service: Type.Optional(namedString('name', { description: 'Service whose routing (dbarch.routing) is switched; default the environment\'s name.', examples: ['checkout'] })),
    tables: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*$' }), {
        minItems: 1,
        description: 'Tables replicated blue → green (`schema.table`); default every table.',
        examples: [['app.orders', 'app.customers']],
      }),
    ),
    deployment: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'Names the publication, slot and subscription (`dbarch_bg_<deployment>`); default derived from `standby`.', examples: ['shop_v2'] }),
    ),
    switch_method: Type.Optional(stringEnum(['gateway', 'dns', 'pgbouncer'] as const, { description: 'How traffic is moved to the standby.', default: 'gateway' })),
    monitor: Type.Optional(BlueGreenMonitor),
    rollback_window: Type.Optional(durationField({ description: 'How long the old database is kept as a rollback target: the timeout of `dbarch/blue_green`\'s rollback_window gate.', default: '24h' })),
    deployment_steps: stepList({ description: 'The switch procedure as people read it: numbered prose as in the seed, or structured steps. `dbarch/blue_green` runs it; `dbarch plan` shows each step under its stage name.' }),
  },
  { additionalProperties: false },
);

export type BlueGreen = Static<typeof BlueGreenSchema>;
