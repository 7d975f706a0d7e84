import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import { errorCodes } from '../../errors/registry.ts';

/** Whose fault and what kind: the HTTP status of each code the gateway answers with. */
const statusOf: Partial<Record<string, number>> = {
  DBA_GATEWAY_BAD_REQUEST: 400,
  DBA_GATEWAY_UNAUTHENTICATED: 401,
  DBA_GATEWAY_FORBIDDEN: 403,
  DBA_GATEWAY_NOT_FOUND: 404,
  DBA_GATEWAY_RATE_LIMITED: 429,
  DBA_QUERY_SYNTAX: 400,
  DBA_QUERY_UNDEFINED_OBJECT: 400,
  DBA_QUERY_DATA: 400,
  DBA_QUERY_PRIVILEGE: 403,
  DBA_QUERY_READ_ONLY: 403,
  DBA_QUERY_CONSTRAINT: 409,
  DBA_QUERY_CONFLICT: 409,
  DBA_QUERY_FAILED: 422,
  DBA_CLIENT_COMMIT_UNKNOWN: 502,
  DBA_POOL_EXHAUSTED: 503,
  DBA_CLIENT_UNAVAILABLE: 503,
  DBA_QUERY_CONNECTION: 503,
  DBA_QUERY_RESOURCES: 503,
  DBA_QUERY_TIMEOUT: 504,
};

/** `{ error: { code, message, hint, details? } }` with the status of the code; fastify's client errors as DBA_GATEWAY_BAD_REQUEST. */
export function gatewayErrorHandler(caught: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = (caught as Partial<FastifyError>).statusCode;
  const error = isDbarchError(caught)
    ? caught
    : status !== undefined && status >= 400 && status < 500
      ? new DbarchError('DBA_GATEWAY_BAD_REQUEST', (caught as Partial<FastifyError>).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'the request body is over 1 MiB' : caught.message, { details: { reason: (caught as Partial<FastifyError>).code ?? 'invalid' } })
      : new DbarchError('DBA_INTERNAL', caught.message);
  const code = statusOf[error.code] ?? 500;
  if (code >= 500) request.log.error({ err: caught, code: error.code }, 'gateway request failed');
  // Callers see what helps them fix the request, never the servers behind the gateway.
  const details = Object.fromEntries(Object.entries(error.details).filter(([key]) => shown.has(key)));
  const fromDatabase = error.code.startsWith('DBA_QUERY_') || error.code.startsWith('DBA_CLIENT_') || error.code === 'DBA_POOL_EXHAUSTED';
  const serverMessage = typeof error.details.serverMessage === 'string' ? error.details.serverMessage : undefined;
  const message = fromDatabase ? (serverMessage ?? errorCodes[error.code].summary) : error.message;
  return reply.code(code).send({ error: { code: error.code, message: code === 500 ? 'internal error' : message, hint: error.hint, ...(Object.keys(details).length > 0 ? { details } : {}) } });
}

const shown = new Set(['sqlstate', 'position', 'constraint', 'reason', 'claim', 'issues']);
