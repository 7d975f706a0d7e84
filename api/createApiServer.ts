import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DbarchError } from '../errors/DbarchError.ts';
import { createLogger } from '../runtime/logger.ts';
import { apiErrorHandler } from './apiErrorHandler.ts';
import type { ApiServerOptions } from './ApiServerOptions.ts';
import { bearerAuth } from './bearerAuth.ts';
import { codecRoute } from './routes/codecRoute.ts';
import { healthRoute } from './routes/healthRoute.ts';
import { migrationsRoute } from './routes/migrationsRoute.ts';

/** Bodies are small JSON requests; anything larger is refused before it is buffered. */
const bodyLimit = 1024 * 1024;

/**
 * The control-plane HTTP API on fastify: JSON-schema'd routes (`GET /api/v1/health`, `POST /api/v1/migrations` as
 * the seed shows it), bearer-token auth, pino request logs. Errors are `{ "error": { "code", "message", "hint" } }`
 * with the HTTP status saying whose fault it is. Call `listen()`, or `inject()` in tests.
 */
export function createApiServer(options: ApiServerOptions): FastifyInstance {
  // Typed as fastify's logger interface so routes take a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = options.logger ?? createLogger({ name: 'dbarch-api' });
  const app = Fastify({
    loggerInstance,
    bodyLimit,
    // Validate as written: no type coercion (`"dry_run": "false"` is an error, not false), every problem at once,
    // and unknown fields refused rather than silently dropped.
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false } },
  });
  // Every body is read as JSON whatever its content type (curl -d sends form-urlencoded), with fastify's
  // prototype-poisoning guard.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((request) => {
    throw new DbarchError('DBA_API_NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`);
  });
  app.addHook('onRequest', bearerAuth(options.token));
  healthRoute(app);
  migrationsRoute(app, options);
  if (options.codec) codecRoute(app, { codec: options.codec, ...(options.uiOrigin ? { uiOrigin: options.uiOrigin } : {}) });
  return app;
}
