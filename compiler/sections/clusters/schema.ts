import { Type, type Static } from '@sinclair/typebox';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';

export const Cluster = Type.Object(
  {
    name: namedString('name', { description: 'Name other sections use to refer to this cluster.', examples: ['main'] }),
    primary: grammarString('dbarch-postgres-url', {
      description: 'Connection reference of the primary (an env reference with a local default).',
      examples: ['${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}'],
    }),
    replicas: Type.Optional(
      Type.Array(grammarString('dbarch-postgres-url'), { description: 'Connection references of the standbys.', default: [], examples: [['${REPLICA_URL}']] }),
    ),
    databases: Type.Array(namedString('identifier'), { minItems: 1, description: 'Databases this cluster serves; routes and environments refer to them.', examples: [['dbarch_dev']] }),
  },
  { additionalProperties: false },
);

/**
 * Not in the seed: the PostgreSQL clusters the platform runs on, so routes, environments, backups and failover can
 * say which cluster and database they mean. When present, those references are checked against it.
 */
export const ClustersSchema = Type.Array(Cluster, { minItems: 1 });

export type Clusters = Static<typeof ClustersSchema>;
