import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { DbarchError } from '../errors/DbarchError.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a bearer token (health). */
    readonly public?: boolean;
  }
}

/**
 * An onRequest hook: every route but the public ones (and unknown paths, so they reveal nothing) needs
 * `Authorization: Bearer <token>`. Runs before the body is read, so an unauthorised body is never parsed.
 */
export function bearerAuth(token: string): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  const expected = digest(token);
  return (request, reply, done) => {
    const header = request.headers.authorization ?? '';
    // Hash both sides so the compare is constant-time whatever the lengths.
    if (request.routeOptions.config.public === true || (header.startsWith('Bearer ') && timingSafeEqual(digest(header.slice('Bearer '.length)), expected))) {
      done();
      return;
    }
    void reply.header('WWW-Authenticate', 'Bearer');
    done(new DbarchError('DBA_API_UNAUTHORISED', 'missing or wrong bearer token'));
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
