import type { FastifyInstance } from 'fastify';
import { statusReport, type StatusSources } from '../../app/statusReport.ts';
import { renderStatusPage } from '../statusPage/renderStatusPage.ts';

/**
 * `GET /`: the status page, server-rendered HTML, public like the health routes (it shows roles, lag and
 * workflow ids, never URLs with credentials or payloads) so a browser can open it without a token.
 * `GET /api/v1/status`: the same report as JSON, behind the bearer token like the rest of /api/v1.
 */
export function statusPageRoute(app: FastifyInstance, sources: StatusSources): void {
  app.get('/', { config: { public: true } }, async (_request, reply) => {
    void reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderStatusPage(await statusReport(sources)));
  });
  app.get('/api/v1/status', async (_request, reply) => {
    void reply.send(await statusReport(sources));
  });
}
