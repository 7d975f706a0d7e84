import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { dryRun } from '../../activities/migrations/dryRun.ts';
import { migrationEnvironments } from '../../app/migrationEnvironments.ts';
import { startMigration } from '../../app/startMigration.ts';
import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import { errorCodes } from '../../errors/registry.ts';
import type { PluginRegistry } from '../../plugins/PluginRegistry.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';

export interface ApiServerOptions {
  readonly client: Client;
  readonly specPath: string;
  readonly taskQueue: string;
  readonly registry: PluginRegistry;
  /** The bearer token every /api/v1 request but health must carry. */
  readonly token: string;
  /**
   * How long a migration with an approval gate may take to reach its gate (lint, test, report) before the answer
   * is 202 `running`; default 10 minutes.
   */
  readonly gateWaitMs?: number;
}

const maxBody = 1024 * 1024;

/**
 * The HTTP API (node:http, JSON in and out): `GET /api/v1/health`, `POST /api/v1/migrations` as the seed shows it.
 * Errors are `{ "error": { "code", "message", "hint" } }` with the HTTP status saying whose fault it is.
 */
export function createApiServer(options: ApiServerOptions): Server {
  const expected = createHash('sha256').update(options.token).digest();
  const authorised = (request: IncomingMessage): boolean => {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return false;
    // Hash both sides so the compare is constant-time whatever the lengths.
    return timingSafeEqual(createHash('sha256').update(header.slice('Bearer '.length)).digest(), expected);
  };
  return createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendError(response, error));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/api/v1/health') return send(response, 200, { status: 'ok' });
    if (!authorised(request)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new DbarchError('DBA_API_UNAUTHORISED', 'missing or wrong bearer token');
    }
    if (request.method === 'POST' && path === '/api/v1/migrations') return migrations(request, response);
    throw new DbarchError('DBA_API_NOT_FOUND', `no endpoint ${request.method ?? ''} ${path}`);
  }

  async function migrations(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const body = await readJson(request);
    const environment = body.environment;
    const files = body.migration_files;
    if (typeof environment !== 'string' || environment === '') throw new DbarchError('DBA_API_BAD_REQUEST', '`environment` (string) is required');
    if (files !== undefined && !(Array.isArray(files) && files.every((f) => typeof f === 'string'))) throw new DbarchError('DBA_API_BAD_REQUEST', '`migration_files` must be a list of file names');
    if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean') throw new DbarchError('DBA_API_BAD_REQUEST', '`dry_run` must be a boolean');
    const [env] = await migrationEnvironments(options.specPath, options.registry, environment);
    if (!env) throw new DbarchError('DBA_PLAN_ENVIRONMENT_UNKNOWN', `environment "${environment}" is not declared`);
    const report = await dryRun({ source: { dir: env.directory }, environment }, { db: env.url });
    const known = new Set(report.files.map((f) => f.script));
    const unknown = (files ?? []).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new DbarchError('DBA_API_BAD_REQUEST', `not in the spec's migrations directory: ${unknown.join(', ')}`);
    const pendingNamed = files === undefined ? [] : report.steps.filter((s) => !files.includes(s.script)).map((s) => s.script);
    if (pendingNamed.length > 0) {
      throw new DbarchError('DBA_API_BAD_REQUEST', `the pipeline applies every pending file in order; also name ${pendingNamed.join(', ')} (or leave migration_files out)`);
    }
    if (body.dry_run === true) {
      return send(response, 200, {
        migration_id: `dry:${environment}:${createHash('sha256').update(JSON.stringify(report.steps.map((s) => [s.script, s.sql]))).digest('hex').slice(0, 16)}`,
        status: 'dry_run',
        applied_migrations: 0,
        pending_migrations: report.steps.length,
        migrations: report.steps.map((s) => ({ order: s.order, file: s.script, transactional: s.transactional, sql: s.sql })),
        execution_time_ms: Math.round(performance.now() - started),
      });
    }
    const run = await startMigration(options.client, { specPath: options.specPath, environment, taskQueue: options.taskQueue, registry: options.registry });
    const handle = options.client.workflow.getHandle<(i: unknown) => Promise<InterpreterResult>>(run.workflowId);
    if (!run.alreadyDone && run.plan.root.nodes.some((node) => node.kind === 'gate')) {
      // Waits for a person once the gate opens: answer then with where to approve. Until then the run may still
      // fail (lint, test on the scratch copy): that answer is the failure below, not a 202.
      const reached = await untilGateOrEnd(handle, options.gateWaitMs ?? 10 * 60_000);
      if (reached !== 'ended') {
        return send(response, 202, {
          migration_id: run.workflowId,
          status: reached === 'gate' ? 'awaiting_approval' : 'running',
          applied_migrations: 0,
          plan_hash: run.plan.hash,
          execution_time_ms: Math.round(performance.now() - started),
        });
      }
    }
    try {
      const result = await handle.result();
      const applied = (result.steps.apply?.output as { applied?: unknown[] } | undefined)?.applied?.length ?? 0;
      return send(response, 200, { migration_id: run.workflowId, status: 'success', applied_migrations: run.alreadyDone ? 0 : applied, execution_time_ms: Math.round(performance.now() - started) });
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      const cause = error.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
      const result = cause?.details?.[0] as InterpreterResult | undefined;
      const rollback = result?.steps.checkpoint?.compensation;
      return send(response, 422, {
        migration_id: run.workflowId,
        status: rollback?.status === 'succeeded' ? 'rolled_back' : 'failed',
        applied_migrations: 0,
        execution_time_ms: Math.round(performance.now() - started),
        rollback: rollback?.output ?? null,
        error: { code: cause?.type ?? 'DBA_STEP_FAILED', message: cause?.message ?? error.message, hint: hintOf(cause?.type) },
      });
    }
  }
}

/**
 * Polls the run until its gate is open (`status.awaitingApproval`) or it has closed, at most `waitMs`: 'gate',
 * 'ended' (read the result), or 'timeout'. A query that no worker answers (5 s) counts as not there yet.
 */
async function untilGateOrEnd(handle: WorkflowHandle, waitMs: number): Promise<'gate' | 'ended' | 'timeout'> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await handle.describe()).status.name !== 'RUNNING') return 'ended';
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    const status = await handle.client.withDeadline(Date.now() + Math.min(left, 5_000), () => handle.query(interpreterMessages.status)).catch(() => undefined);
    if (status?.awaitingApproval) return 'gate';
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function hintOf(code: string | undefined): string {
  return code !== undefined && Object.hasOwn(errorCodes, code) ? errorCodes[code as keyof typeof errorCodes].hint : '';
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBody) throw new DbarchError('DBA_API_BAD_REQUEST', 'request body over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DbarchError('DBA_API_BAD_REQUEST', 'the body must be a JSON object');
}

const statusOf: Partial<Record<string, number>> = {
  DBA_API_UNAUTHORISED: 401,
  DBA_API_NOT_FOUND: 404,
  DBA_API_BAD_REQUEST: 400,
  DBA_PLAN_ENVIRONMENT_UNKNOWN: 404,
};

function sendError(response: ServerResponse, error: unknown): void {
  const coded = isDbarchError(error) ? error : new DbarchError('DBA_INTERNAL', error instanceof Error ? error.message : String(error));
  const status = statusOf[coded.code] ?? (coded.code.startsWith('DBA_PLAN_') || coded.code.startsWith('DBA_SPEC_') ? 422 : 500);
  send(response, status, { error: { code: coded.code, message: coded.message, hint: coded.hint } });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
