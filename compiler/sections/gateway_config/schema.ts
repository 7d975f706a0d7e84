import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { portField } from '../../schema/portField.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const ConnectionPool = Type.Object(
  {
    min: Type.Integer({ minimum: 0, maximum: 10_000, description: 'Connections kept open even when idle.', examples: [5] }),
    max: Type.Integer({ minimum: 1, maximum: 10_000, description: 'Upper bound of open connections for the route.', examples: [20] }),
    idle_timeout: Type.Optional(durationField({ description: 'Close connections idle for longer than this (above `min`).', default: '30s' })),
    acquire_timeout: Type.Optional(durationField({ description: 'Fail a query that waits longer than this for a connection.', default: '5s' })),
  },
  { additionalProperties: false },
);

export const DatabaseRoute = Type.Object(
  {
    service: namedString('name', { description: 'Calling service, as it identifies itself to the gateway.', examples: ['user-service'] }),
    database: namedString('identifier', { description: 'Database the service\'s queries go to.', examples: ['users_db'] }),
    cluster: Type.Optional(namedString('name', { description: 'Cluster serving the database (from `clusters`); needed when several clusters serve a database of that name.', examples: ['main'] })),
    connection_pool: Type.Optional(ConnectionPool),
    rate_limit: Type.Optional(grammarString('dbarch-rate', { description: 'Query rate limit for the service.', examples: ['1000req/min', '50req/s'] })),
    query_timeout: Type.Optional(durationField({ description: 'Statement timeout applied to the service\'s queries.', examples: ['5s'] })),
    read_preference: Type.Optional(stringEnum(['primary', 'replica', 'nearest'] as const, { description: 'Where read-only queries go.', default: 'primary' })),
  },
  { additionalProperties: false },
);

export const GatewayConfigSchema = Type.Object(
  {
    listen_port: Type.Optional(portField({ description: 'Port of the gateway\'s HTTP API.', default: 8080 })),
    database_routing: Type.Array(DatabaseRoute, { minItems: 1, description: 'One route per calling service.' }),
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfigSchema>;
