import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClusterHealth } from '../../app/clusterHealth.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { parseSize } from '../../compiler/grammar/parseSize.ts';
import { DbarchError } from '../../errors/DbarchError.ts';

const open = { config: { public: true } } as const;

/**
 * The health endpoints, all without a token (load balancers and orchestrators call them):
 * - `GET /health`: liveness, 200 while the process serves;
 * - `GET /ready`: readiness, 200 when the control database and Temporal answer (each within 2 s), else 503;
 * - `GET /api/v1/health`: the seed's shape (status; checks with name, status, latency_ms, replication_lag_ms
 *   for replicas; connection_pool with active/idle/max of the API's own control-database pool); 503 when the
 *   primary is down;
 * - `GET /primary[?member=]`, `GET /replica[?member=][&lag=]`: 200/503 as Patroni's REST API answers, for a load
 *   balancer: the primary only while it runs and is the published one; a replica only while it streams within
 *   `lag` (bytes: `1048576`, `16MB`; or time: `500ms`, `10s`).
 */
export function healthRoute(app: FastifyInstance, options: { health: ClusterHealth; client?: Client }): void {
  const { health } = options;
  app.get('/health', open, (_request, reply) => {
    void reply.send({ status: 'ok' });
  });

  app.get('/ready', open, async (_request, reply) => {
    const checks = await Promise.all([
      timed('control_database', () => health.pool.query('SELECT 1').then(() => undefined)),
      ...(options.client === undefined ? [] : [timed('temporal', () => temporalReachable(options.client as Client))]),
    ]);
    const ready = checks.every((c) => c.status === 'up');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get('/api/v1/health', open, async (_request, reply) => {
    const answer = await health.seedHealth();
    return reply.code(answer.status === 'unhealthy' ? 503 : 200).send(answer);
  });

  app.get<{ Querystring: { member?: string } }>('/primary', open, async (request, reply) => {
    const snapshot = await health.snapshot();
    const primary = health.livePrimary(snapshot);
    const wanted = request.query.member;
    const ok = primary !== undefined && (wanted === undefined || wanted === primary);
    return answer(reply, ok, { cluster: snapshot.cluster, role: 'primary', member: wanted ?? primary ?? null, primary: primary ?? null, epoch: snapshot.topology?.epoch ?? null });
  });

  app.get<{ Querystring: { member?: string; lag?: string } }>('/replica', open, async (request, reply) => {
    const bounds = lagBounds(request.query.lag);
    const snapshot = await health.snapshot();
    const healthy = health.healthyReplicas(snapshot, bounds);
    const wanted = request.query.member;
    const chosen = wanted === undefined ? healthy : healthy.filter((m) => m.member === wanted);
    const of = (name: string | undefined) => snapshot.status.members.find((m) => m.member === name);
    const subject = of(wanted);
    return answer(reply, chosen.length > 0, {
      cluster: snapshot.cluster,
      role: 'replica',
      member: wanted ?? null,
      replicas: chosen.map((m) => ({ member: m.member, lag_bytes: m.lagBytes, replication_lag_ms: m.replayLagMs })),
      ...(subject === undefined ? {} : { lag_bytes: subject.lagBytes, replication_lag_ms: subject.replayLagMs, state: subject.reachable ? subject.role : 'down' }),
    });
  });
}

function answer(reply: FastifyReply, ok: boolean, body: Record<string, unknown>): FastifyReply {
  return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', ...body });
}

/** Patroni's `lag` is bytes; dbarch also takes a size with a unit, or a duration (replay lag in time). */
function lagBounds(lag: string | undefined): { maxBytes?: number; maxMs?: number } {
  if (lag === undefined) return {};
  if (/^\d+$/.test(lag)) return { maxBytes: Number(lag) };
  const size = parseSize(lag);
  if (size.ok) return { maxBytes: size.value };
  const duration = parseDuration(lag);
  if (duration.ok) return { maxMs: duration.value };
  throw new DbarchError('DBA_API_BAD_REQUEST', `lag=${lag} is neither bytes (1048576, 16MB) nor a duration (500ms, 10s)`);
}

async function timed(name: string, check: () => Promise<void>): Promise<{ name: string; status: 'up' | 'down'; latency_ms: number; error?: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2000 ms')), 2000)))]);
    return { name, status: 'up', latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name, status: 'down', latency_ms: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

async function temporalReachable(client: Client): Promise<void> {
  await client.connection.withDeadline(Date.now() + 2000, () => client.workflowService.getSystemInfo({}));
}
