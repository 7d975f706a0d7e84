import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { traceIdOf } from '../../activities/monitoring/shipping/traceIdOf.ts';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import type { QueryResult } from '../client/QueryResult.ts';
import { authorizeRoute, type RouteAccess } from './authorizeRoute.ts';
import { typeName } from './typeNames.ts';

const QueryBody = Type.Object(
  {
    sql: Type.String({ minLength: 1, maxLength: 100_000 }),
    params: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.Unknown()), Type.Object({})]), { maxItems: 65_535 })),
    mode: Type.Optional(Type.Union([Type.Literal('read'), Type.Literal('write')])),
    database: Type.Optional(Type.String({ minLength: 1 })),
    session_token: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
type QueryBody = Static<typeof QueryBody>;

/**
 * POST /api/v1/query: `{ sql, params, mode, database?, session_token? }` for the route of the token's service.
 * Read mode runs in a READ ONLY transaction where the route's read preference sends it (a replica), write mode
 * on the primary, answering the session token a later read passes to see the write. Rows keep their types (see
 * jsonTypes); every query is logged with service, database, mode, duration, rows, SQLSTATE and trace id.
 */
export function queryRoute(app: FastifyInstance, access: RouteAccess): void {
  app.post<{ Body: QueryBody }>('/api/v1/query', { schema: { body: QueryBody } }, async (request, reply) => {
    const identity = request.identity!;
    const body = request.body;
    const mode = body.mode ?? 'read';
    const gateway = await authorizeRoute(access, request, reply, body.database, mode);
    const database = gateway.route.database;
    const traceId = traceIdOf(typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined);
    const log = { service: identity.service, database, mode, trace_id: traceId };
    const { client } = gateway;
    let session;
    try {
      session = client.session(body.session_token);
    } catch (error) {
      throw new DbarchError('DBA_GATEWAY_BAD_REQUEST', 'session_token is not a token this gateway handed out', { cause: error, details: { reason: 'session_token' } });
    }
    const started = performance.now();
    try {
      const params = body.params ?? [];
      const result: QueryResult = mode === 'read'
        ? await session.transaction((tx) => tx.query(body.sql, params), { readOnly: true, readPreference: gateway.route.read_preference ?? 'primary', ...(request.headers.traceparent ? { traceparent: String(request.headers.traceparent) } : {}) })
        : await session.query(body.sql, params, { readPreference: 'primary', ...(request.headers.traceparent ? { traceparent: String(request.headers.traceparent) } : {}) });
      const sessionToken = mode === 'write' ? await session.token() : body.session_token;
      const durationMs = performance.now() - started;
      request.log.info({ ...log, duration_ms: durationMs, rows: result.rowCount, role: result.meta.role }, 'query');
      return {
        command: result.command,
        row_count: result.rowCount,
        fields: result.fields.map((f) => ({ name: f.name, type: typeName(f.dataTypeID) })),
        rows: result.rows,
        role: result.meta.role,
        consistency: result.meta.consistency,
        duration_ms: Math.round(durationMs * 1000) / 1000,
        ...(sessionToken === undefined ? {} : { session_token: sessionToken }),
      };
    } catch (error) {
      request.log.warn({ ...log, duration_ms: performance.now() - started, code: isDbarchError(error) ? error.code : 'DBA_INTERNAL', sqlstate: isDbarchError(error) ? error.details.sqlstate : undefined }, 'query failed');
      throw error;
    }
  });
}
