import type { FastifyInstance } from 'fastify';
import { ClusterHealth } from '../app/clusterHealth.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { createJsonServer } from '../runtime/http/createJsonServer.ts';
import { createLogger } from '../runtime/logger.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';
import { apiErrorHandler } from './apiErrorHandler.ts';
import type { ApiServerOptions } from './ApiServerOptions.ts';
import { bearerAuth } from './bearerAuth.ts';
import { codecRoute } from './routes/codecRoute.ts';
import { healthRoute } from './routes/healthRoute.ts';
import { migrationsRoute } from './routes/migrationsRoute.ts';
import { statusPageRoute } from './routes/statusPageRoute.ts';

/**
 * The control-plane HTTP API on fastify: the status page at `/`, JSON-schema'd routes (`GET /api/v1/health`, `POST /api/v1/migrations` as
 * the seed shows it), bearer-token auth, pino request logs. Errors are `{ "error": { "code", "message", "hint" } }`
 * with the HTTP status saying whose fault it is. Call `listen()`, or `inject()` in tests.
 */
export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const app = createJsonServer(options.logger ?? createLogger({ name: 'dbarch-api' }));
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new DbarchError('DBA_API_NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`);
  });
  app.addHook('onRequest', bearerAuth(options.token));
  // The health endpoints' checker (its pool on the control database is the one /api/v1/health reports).
  const health = options.health ?? new ClusterHealth({ specPath: options.specPath, controlUrl: options.controlUrl ?? serviceUrls().postgres });
  if (options.health === undefined) app.addHook('onClose', () => health.close());
  healthRoute(app, { health, client: options.client });
  migrationsRoute(app, options);
  statusPageRoute(app, {
    specPath: options.specPath,
    temporal: options.client,
    ...(options.uiUrl ? { temporalUiUrl: options.uiUrl } : {}),
    ...(options.alertmanagerUrl ? { alertmanagerUrl: options.alertmanagerUrl } : {}),
    ...(options.controlUrl ? { controlUrl: options.controlUrl } : {}),
  });
  if (options.codec) codecRoute(app, { codec: options.codec, ...(options.uiOrigin ? { uiOrigin: options.uiOrigin } : {}) });
  return app;
}
