import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { DatabaseClient } from '../client/DatabaseClient.ts';
import type { RateDecision } from './routeRateLimiter.ts';

type Config = NonNullable<CompiledSpec['gateway_config']>;

export interface GatewayRoute {
  readonly route: Config['database_routing'][number];
  readonly client: DatabaseClient;
  readonly limit: (() => Promise<RateDecision>) | undefined;
}

export interface RouteAccess {
  readonly routes: ReadonlyMap<string, GatewayRoute>;
  readonly grants: Config['authorization'];
}

/**
 * What every gateway operation checks after the token, in order and before any database access: a route for
 * the token's service, its database, the mode against `authorization`, then one unit of the route's rate limit.
 */
export async function authorizeRoute(access: RouteAccess, request: FastifyRequest, reply: FastifyReply, requested: string | undefined, mode: 'read' | 'write'): Promise<GatewayRoute> {
  const identity = request.identity!;
  const gateway = access.routes.get(identity.service);
  const database = requested ?? gateway?.route.database;
  if (gateway === undefined || database !== gateway.route.database) {
    throw new DbarchError('DBA_GATEWAY_FORBIDDEN', gateway === undefined ? `no route for service \`${identity.service}\`` : `service \`${identity.service}\` may not use database \`${database}\``, { details: { reason: gateway === undefined ? 'no route' : 'database' } });
  }
  if (access.grants !== undefined && !access.grants.some((g) => identity.roles.includes(g.role) && g.databases.includes(database) && (g.modes ?? ['read']).includes(mode))) {
    throw new DbarchError('DBA_GATEWAY_FORBIDDEN', `no role of the token may ${mode} \`${database}\``, { details: { reason: 'mode' } });
  }
  if (gateway.limit !== undefined) {
    const decision = await gateway.limit();
    if (!decision.allowed) {
      void reply.header('Retry-After', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
      throw new DbarchError('DBA_GATEWAY_RATE_LIMITED', `rate limit ${gateway.route.rate_limit} of \`${identity.service}\` reached`);
    }
  }
  return gateway;
}
