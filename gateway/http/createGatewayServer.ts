import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { QueryEvent } from '../../activities/monitoring/shipping/QueryEvent.ts';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createJsonServer } from '../../runtime/http/createJsonServer.ts';
import { createLogger, type Logger } from '../../runtime/logger.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { DatabaseClient } from '../client/DatabaseClient.ts';
import { gatewayErrorHandler } from './gatewayErrorHandler.ts';
import type { GatewayIdentity } from './GatewayIdentity.ts';
import { jsonTypes } from './jsonTypes.ts';
import { jwtVerifier } from './jwtVerifier.ts';
import type { GatewayRoute } from './authorizeRoute.ts';
import { connectionsRoute } from './connectionsRoute.ts';
import { queryRoute } from './queryRoute.ts';
import { routeRateLimiter } from './routeRateLimiter.ts';

export interface GatewayServerOptions {
  readonly spec: CompiledSpec;
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** Redis for the shared rate-limit counters; default REDIS_URL; null runs with local limits only. */
  readonly redisUrl?: string | null;
  /** Every route client's statements, timed (the slow-query log of log shipping). */
  readonly onQuery?: (event: QueryEvent) => void;
  /** Where the clients' metrics go and GET /metrics reads; default a registry of its own. */
  readonly metricsRegistry?: Registry;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity?: GatewayIdentity;
  }
}

/**
 * The database gateway (`dbarch gateway <spec>`): one DatabaseClient per gateway_config route (its pool, query
 * timeout and read preference), JWT checked in onRequest, before the body is read or a database touched, then
 * the route's rate limit, then the query. GET /health and GET /metrics are public (Prometheus scrapes them).
 */
export async function createGatewayServer(options: GatewayServerOptions): Promise<FastifyInstance> {
  const { spec } = options;
  const env = options.env ?? process.env;
  const config = spec.gateway_config;
  const jwt = config?.authentication?.jwt;
  if (config === undefined || jwt === undefined) {
    throw new DbarchError('DBA_GATEWAY_CONFIG', config === undefined ? 'the spec has no gateway_config' : 'gateway_config has no authentication.jwt: the gateway authenticates every request');
  }
  const verify = await jwtVerifier(jwt, env);
  const logger = options.logger ?? createLogger({ name: 'dbarch-gateway' });
  const redisUrl = options.redisUrl === undefined ? serviceUrls(env).redis : options.redisUrl;
  // No offline queue: a command while Redis is away fails at once, and the local limiter answers.
  const redis = redisUrl === null ? undefined : new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  redis?.on('error', (error: Error) => logger.debug({ err: error }, 'redis unavailable; local rate limits'));
  const metrics = options.metricsRegistry ?? new Registry();
  const routes = new Map<string, GatewayRoute>(config.database_routing.map((route) => [route.service, {
    route,
    client: new DatabaseClient({ spec, route: route.service, types: jsonTypes, metricsRegistry: metrics, logger, env, ...(options.onQuery ? { onQuery: options.onQuery } : {}) }),
    limit: route.rate_limit === undefined ? undefined : routeRateLimiter(route.service, route.rate_limit, redis),
  }]));

  const app = createJsonServer(logger);
  app.setErrorHandler(gatewayErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new DbarchError('DBA_GATEWAY_NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`);
  });
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) throw new DbarchError('DBA_GATEWAY_UNAUTHENTICATED', 'no bearer token', { details: { reason: 'missing' } });
    request.identity = await verify(header.slice('Bearer '.length));
  });
  app.get('/health', () => ({
    status: [...routes.values()].every((r) => r.client.endpoints().some((e) => e.role === 'primary' && e.up)) ? 'healthy' : 'degraded',
    routes: [...routes.values()].map(({ route, client }) => ({
      service: route.service,
      database: route.database,
      endpoints: client.endpoints().map(({ role, up, breaker, lagMs, pool }) => ({ role, up, breaker, lag_ms: lagMs ?? null, pool })),
    })),
  }));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  const access = { routes, grants: config.authorization };
  queryRoute(app, access);
  connectionsRoute(app, access, config.credential_ttl);
  app.addHook('onClose', async () => {
    await Promise.all([...routes.values()].map((r) => r.client.close()));
    redis?.disconnect();
  });
  return app;
}
