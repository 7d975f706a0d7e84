import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DbarchError, isDbarchError } from '../errors/DbarchError.ts';
import { errorBody } from './errorBody.ts';

const statusOf: Partial<Record<string, number>> = {
  DBA_API_UNAUTHORISED: 401,
  DBA_API_NOT_FOUND: 404,
  DBA_API_BAD_REQUEST: 400,
  DBA_PLAN_ENVIRONMENT_UNKNOWN: 404,
};

/**
 * Every failure becomes `{ "error": { code, message, hint } }` with the status saying whose fault it is: coded
 * errors by their code (a spec or plan that cannot be used is 422), fastify's own client errors (malformed JSON,
 * a body over the limit, a body failing its schema) DBA_API_BAD_REQUEST 400, anything else DBA_INTERNAL 500 with
 * the stack in the log only.
 */
export function apiErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const coded = isDbarchError(error) ? error : clientError(error);
  if (!coded) {
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody(new DbarchError('DBA_INTERNAL', error.message), false));
  }
  const status = statusOf[coded.code] ?? (coded.code.startsWith('DBA_PLAN_') || coded.code.startsWith('DBA_SPEC_') ? 422 : 500);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  return reply.code(status).send(errorBody(coded, status < 500));
}

/** fastify's 4xx errors (content parsing, body limit, schema validation) as DBA_API_BAD_REQUEST. */
function clientError(error: FastifyError | Error): DbarchError | undefined {
  const status = (error as Partial<FastifyError>).statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  const code = (error as Partial<FastifyError>).code;
  const message =
    code === 'FST_ERR_CTP_BODY_TOO_LARGE'
      ? 'the request body is over 1 MiB'
      : error instanceof SyntaxError
        ? `the body is not valid JSON: ${error.message}`
        : error.message;
  return new DbarchError('DBA_API_BAD_REQUEST', message);
}
