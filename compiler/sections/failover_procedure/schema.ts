import { Type, type Static } from '@sinclair/typebox';
import { dnsRecordSchema } from '../../schema/dnsRecordSchema.ts';
import { durationField } from '../../schema/durationField.ts';
import { namedString } from '../../schema/namedString.ts';
import { Step, stepList } from '../../schema/stepList.ts';

export const FailoverPlan = Type.Object(
  {
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) to fail over.' })),
    detection_interval: Type.Optional(durationField({ description: 'How often the primary is probed.', default: '5s' })),
    failure_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Failed probes in a row before failover starts.', default: 3 })),
    dns: Type.Optional(dnsRecordSchema({}, { description: 'The record that names the primary, updated by `dns/update_record` after a failover.' })),
    steps: stepList({ description: 'The procedure.' }),
  },
  { additionalProperties: false },
);

/**
 * The seed writes the whole section as numbered prose. Also accepted: a list of structured steps, or a mapping with
 * the cluster and detection settings plus `steps`. The compiled spec always holds the mapping form.
 */
export const FailoverProcedureSchema = Type.Union([
  Type.String({ minLength: 1, description: 'Numbered prose, as in the seed.' }),
  Type.Array(Step, { minItems: 1 }),
  FailoverPlan,
]);

export type FailoverProcedure = Static<typeof FailoverProcedureSchema>;
