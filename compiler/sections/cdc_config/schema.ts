import { Type, type Static } from '@sinclair/typebox';
import { namedString } from '../../schema/namedString.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const CdcConfigSchema = Type.Object(
  {
    connector: stringEnum(['debezium-postgres', 'pgoutput'] as const, { description: 'Change capture connector: Debezium, or dbarch\'s own logical-decoding reader.' }),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) whose changes are captured.' })),
    database: Type.Optional(namedString('identifier', { description: 'Database whose tables are captured.' })),
    tables: Type.Array(namedString('table'), { minItems: 1, description: 'Captured tables; each produces `<table>.insert`, `<table>.update` and `<table>.delete` events.', examples: [['users', 'orders']] }),
    publish_to: stringEnum(['kafka', 'rabbitmq', 'redis'] as const, { description: 'Where change events go.' }),
    topics: Type.Optional(Type.Array(namedString('event'), { description: 'Topic per table, in the order of `tables`.', examples: [['database.users.changes']] })),
    slot_name: Type.Optional(namedString('identifier', { description: 'Logical replication slot.', default: 'dbarch_cdc' })),
    publication: Type.Optional(namedString('identifier', { description: 'PostgreSQL publication.', default: 'dbarch_cdc' })),
  },
  { additionalProperties: false },
);

export type CdcConfig = Static<typeof CdcConfigSchema>;
