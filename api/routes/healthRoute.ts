import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/** `GET /api/v1/health`: 200 `{"status": "ok"}` while the process serves, no token needed. */
export function healthRoute(app: FastifyInstance): void {
  app.get('/api/v1/health', { config: { public: true }, schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, (_request, reply) => {
    void reply.send({ status: 'ok' });
  });
}
