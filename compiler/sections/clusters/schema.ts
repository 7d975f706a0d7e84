import { Type, type Static } from '@sinclair/typebox';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { portField } from '../../schema/portField.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

/** One dbarch-managed PostgreSQL server of a cluster; its name is its application_name and its replication slot. */
export const ClusterMember = Type.Object(
  {
    name: namedString('identifier', { description: 'Member name: the standby\'s `application_name` and the name of its replication slot.', examples: ['ha1'] }),
    host: namedString('host', { description: 'Address the member listens on (loopback for members `dbarch cluster up` provisions).', examples: ['127.0.0.1'] }),
    port: portField({ description: 'Port the member listens on.', examples: [55441] }),
  },
  { additionalProperties: false },
);

export const SynchronousStandbys = Type.Object(
  {
    method: Type.Optional(stringEnum(['ANY', 'FIRST'] as const, { description: 'Quorum (`ANY n`) or priority (`FIRST n`) commit.', default: 'ANY' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 63, description: 'Standbys that must confirm a commit; at most the number of replicas.', default: 1 })),
  },
  { additionalProperties: false },
);

export const ClusterReplication = Type.Object(
  {
    mode: Type.Optional(
      stringEnum(['async', 'sync', 'strict'] as const, {
        description:
          '`async`: commits never wait for a standby. `sync`: commits wait for `synchronous` standbys while enough of them stream; with fewer, for those left, and with none left the primary commits alone so writes continue (restored when standbys stream again). `strict`: commits wait for the standbys, always; with none left, writes block.',
        default: 'async',
      }),
    ),
    synchronous: Type.Optional(SynchronousStandbys),
  },
  { additionalProperties: false },
);

export const Cluster = Type.Object(
  {
    name: namedString('name', { description: 'Name other sections use to refer to this cluster.', examples: ['main'] }),
    primary: Type.Optional(
      grammarString('dbarch-postgres-url', {
        description: 'Connection reference of the primary of a cluster dbarch does not manage (an env reference with a local default). With `members`, derived from the first member.',
        examples: ['${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}'],
      }),
    ),
    replicas: Type.Optional(
      Type.Array(grammarString('dbarch-postgres-url'), { description: 'Connection references of the standbys of a cluster dbarch does not manage. With `members`, derived from the other members.', default: [], examples: [['${REPLICA_URL}']] }),
    ),
    databases: Type.Array(namedString('identifier'), { minItems: 1, description: 'Databases this cluster serves; routes and environments refer to them.', examples: [['dbarch_dev']] }),
    members: Type.Optional(
      Type.Array(ClusterMember, {
        minItems: 1,
        description: 'Servers dbarch manages (`dbarch cluster up` provisions them on this machine); the first is the initial primary, the live one is in the published topology (`dbarch topology`).',
      }),
    ),
    replication: Type.Optional(ClusterReplication),
    data_directory: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Where managed members keep their data: `<data_directory>/<cluster>/<member>`. Env references are resolved where it is used.',
        default: '${DBARCH_CLUSTER_DIR:-/var/lib/dbarch/clusters}',
        examples: ['${DBARCH_CLUSTER_DIR:-/var/lib/dbarch/clusters}'],
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Not in the seed: the PostgreSQL clusters the platform runs on, so routes, environments, backups and failover can
 * say which cluster and database they mean. When present, those references are checked against it.
 */
export const ClustersSchema = Type.Array(Cluster, { minItems: 1 });

export type Clusters = Static<typeof ClustersSchema>;
export type ClusterSpec = Static<typeof Cluster>;
export type ClusterMemberSpec = Static<typeof ClusterMember>;
