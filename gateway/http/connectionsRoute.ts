import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { issueConnection } from '../connections/issueConnection.ts';
import { authorizeRoute, type RouteAccess } from './authorizeRoute.ts';

const ConnectionBody = Type.Object(
  {
    database: Type.String({ minLength: 1 }),
    mode: Type.Union([Type.Literal('read'), Type.Literal('write')]),
    pool_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400_000 })),
  },
  { additionalProperties: false },
);
type ConnectionBody = Static<typeof ConnectionBody>;

/**
 * POST /api/v1/connections, the seed's Connection API: `{ database, mode, pool_size, timeout_ms }` →
 * `{ connection_string, pool_id, endpoints: [{ host, port, role }] }` with a login role of the caller's own
 * (issueConnection), after the same checks as a query: token, route, database, mode, rate limit.
 */
export function connectionsRoute(app: FastifyInstance, access: RouteAccess, credentialTtl: string | number | undefined): void {
  const parsed = parseDuration(credentialTtl ?? '1h');
  const ttlMs = parsed.ok ? parsed.value : 3_600_000;
  app.post<{ Body: ConnectionBody }>('/api/v1/connections', { schema: { body: ConnectionBody } }, async (request, reply) => {
    const { body } = request;
    const gateway = await authorizeRoute(access, request, reply, body.database, body.mode);
    const issued = await issueConnection(gateway.client, { database: body.database, mode: body.mode, poolSize: body.pool_size ?? 10, timeoutMs: body.timeout_ms ?? 5000, ttlMs });
    request.log.info({ service: request.identity?.service, database: body.database, mode: body.mode, role: issued.role, valid_until: issued.validUntil }, 'connection issued');
    return {
      connection_string: issued.connectionString,
      pool_id: issued.poolId,
      role: issued.role,
      valid_until: issued.validUntil,
      endpoints: issued.endpoints,
    };
  });
}
