import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.ts';

/** Bodies are small JSON requests; anything larger is refused before it is buffered. */
export const jsonBodyLimit = 1024 * 1024;

/**
 * A fastify instance as dbarch's HTTP servers (the control-plane API, the database gateway) want it: pino request
 * logs, a 1 MiB body limit, request schemas validated as written (no type coercion, every problem at once, unknown
 * fields refused rather than dropped), and every body read as JSON whatever its content type (curl -d sends
 * form-urlencoded), with fastify's prototype-poisoning guard.
 */
export function createJsonServer(logger: Logger): FastifyInstance {
  // Typed as fastify's logger interface so routes take a plain FastifyInstance.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: jsonBodyLimit,
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false } },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  return app;
}
