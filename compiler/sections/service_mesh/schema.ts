import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
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

/** Not in the seed: the files a data-plane client proves itself and checks the servers with (verify-full). */
export const MeshTls = Type.Object(
  {
    ca: grammarString('dbarch-secret', { description: 'CA bundle the servers\' certificates must chain to (the internal CA: `dbarch tls client-cert` writes it as ca.crt), as a reference.', examples: ['file:///run/secrets/dbarch/ca.crt'] }),
    certificate: Type.Optional(grammarString('dbarch-secret', { description: 'The client certificate (for roles that log in by certificate), as a reference.', examples: ['file:///run/secrets/dbarch/orders_service.crt'] })),
    key: Type.Optional(grammarString('dbarch-secret', { description: 'Its private key, as a reference.', examples: ['file:///run/secrets/dbarch/orders_service.key'] })),
  },
  { additionalProperties: false },
);

export const ServiceMeshSchema = Type.Object(
  {
    mtls: Type.Optional(
      Type.Union([Type.Boolean(), MeshTls], {
        description: 'Mutual TLS to the databases. `true` (the default) states the intent only; with `ca` (and `certificate` + `key`), DatabaseClient and the gateway connect with TLS, verify-full, at the version and suites of security_config.encryption.in_transit.',
        default: true,
      }),
    ),
    database_services: Type.Array(DatabaseService, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type ServiceMesh = Static<typeof ServiceMeshSchema>;
