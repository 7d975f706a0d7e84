import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { namedString } from '../../schema/namedString.ts';
import { portField } from '../../schema/portField.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const MeshEndpoint = Type.Object(
  {
    host: namedString('host', { description: 'Host name or IPv4 address.', examples: ['db1.internal'] }),
    port: portField({ description: 'PostgreSQL port.', examples: [5432] }),
    weight: Type.Optional(Type.Number({ minimum: 0, description: 'Relative share of traffic; 0 drains the endpoint.', default: 1, examples: [100] })),
  },
  { additionalProperties: false },
);

export const HealthCheck = Type.Object(
  {
    interval: durationField({ description: 'Time between checks.', examples: ['10s'] }),
    timeout: durationField({ description: 'Time a check may take; must be shorter than `interval`.', examples: ['3s'] }),
    unhealthy_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Failed checks in a row before the endpoint is taken out.', default: 3 })),
    healthy_threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Passed checks in a row before it is put back.', default: 2 })),
    max_replication_lag: Type.Optional(durationField({ description: 'A replica further behind its primary than this is left out of reads until it catches up.', default: '10s', examples: ['10s'] })),
  },
  { additionalProperties: false },
);

export const DatabaseService = Type.Object(
  {
    name: namedString('name', { description: 'Service name the mesh resolves.', examples: ['postgres-primary'] }),
    role: Type.Optional(stringEnum(['primary', 'replica'] as const, { description: 'Whether the service accepts writes.' })),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) whose nodes these endpoints are.' })),
    endpoints: Type.Array(MeshEndpoint, { minItems: 1 }),
    health_check: Type.Optional(HealthCheck),
  },
  { additionalProperties: false },
);

export const ServiceMeshSchema = Type.Object(
  {
    mtls: Type.Optional(Type.Boolean({ description: 'Require mutual TLS between sidecars and databases.', default: true })),
    database_services: Type.Array(DatabaseService, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type ServiceMesh = Static<typeof ServiceMeshSchema>;
