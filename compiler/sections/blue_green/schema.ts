import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { namedString } from '../../schema/namedString.ts';
import { stepList } from '../../schema/stepList.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const BlueGreenSchema = Type.Object(
  {
    current: namedString('identifier', { description: 'Database serving production traffic.', examples: ['blue_db'] }),
    standby: namedString('identifier', { description: 'Database receiving migrations before the switch.', examples: ['green_db'] }),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) serving both databases.' })),
    switch_method: Type.Optional(stringEnum(['gateway', 'dns', 'pgbouncer'] as const, { description: 'How traffic is moved to the standby.', default: 'gateway' })),
    rollback_window: Type.Optional(durationField({ description: 'How long the old database is kept as a rollback target.', default: '24h' })),
    deployment_steps: stepList({ description: 'The switch procedure: numbered prose as in the seed, or structured steps.' }),
  },
  { additionalProperties: false },
);

export type BlueGreen = Static<typeof BlueGreenSchema>;
