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

/** Not in the seed ("Authenticate requests before database access"): how the gateway checks callers' JWTs. */
export const GatewayJwt = Type.Object(
  {
    issuer: Type.String({ minLength: 1, description: 'Required `iss` claim.', examples: ['https://auth.example.com/'] }),
    audience: Type.String({ minLength: 1, description: 'Required `aud` claim.', examples: ['dbarch-gateway'] }),
    jwks_url: Type.Optional(Type.String({ minLength: 1, description: 'Where the signing keys are published (JWKS); env references allowed.', examples: ['https://auth.example.com/.well-known/jwks.json'] })),
    public_key: Type.Optional(grammarString('dbarch-secret', { description: 'Or one PEM public key (SPKI), as a reference only.', examples: ['${GATEWAY_JWT_PUBLIC_KEY}'] })),
    algorithms: Type.Optional(Type.Array(stringEnum(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const), { minItems: 1, description: 'Signature algorithms accepted.', default: ['RS256', 'ES256', 'EdDSA'] })),
    service_claim: Type.Optional(Type.String({ minLength: 1, description: 'Claim naming the calling service (matched against a route\'s `service`).', default: 'sub' })),
    roles_claim: Type.Optional(Type.String({ minLength: 1, description: 'Claim listing the caller\'s roles (matched against `authorization`).', default: 'roles' })),
  },
  { additionalProperties: false },
);

export const GatewayGrant = Type.Object(
  {
    role: namedString('name', { description: 'A role the token may carry.', examples: ['orders-reader'] }),
    databases: Type.Array(namedString('identifier'), { minItems: 1, description: 'Databases the role may query.' }),
    modes: Type.Optional(Type.Array(stringEnum(['read', 'write'] as const), { minItems: 1, description: 'Query modes the role may use.', default: ['read'] })),
  },
  { additionalProperties: false },
);

export const GatewayConfigSchema = Type.Object(
  {
    listen_port: Type.Optional(portField({ description: 'Port of the gateway\'s HTTP API.', default: 8080 })),
    authentication: Type.Optional(Type.Object({ jwt: GatewayJwt }, { additionalProperties: false, description: 'Callers authenticate with a bearer JWT before any database access.' })),
    credential_ttl: Type.Optional(durationField({ description: 'How long a login role handed out by POST /api/v1/connections can log in (VALID UNTIL).', default: '1h' })),
    authorization: Type.Optional(Type.Array(GatewayGrant, { minItems: 1, description: 'Which roles may query which databases in which modes; without it a service may read and write its own route\'s database.' })),
    database_routing: Type.Array(DatabaseRoute, { minItems: 1, description: 'One route per calling service.' }),
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfigSchema>;
