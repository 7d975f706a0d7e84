import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { StepExecution } from '../StepExecution.ts';
import { pollUntil } from './pollUntil.ts';
import { ensureRoutingTables } from './routingTables.ts';

export interface WatchGreenInput {
  /** Green, which serves traffic now. */
  readonly greenUrl: string;
  /** How long to watch, and how often to look. */
  readonly durationMs: number;
  readonly intervalMs: number;
  /** SQL whose first column of the first row must be true (or a non-zero number); default `SELECT true`. */
  readonly healthQuery?: string;
  /** Consecutive failed checks tolerated before the watch fails; default 2 (a blip is not a rollback). */
  readonly maxFailures?: number;
  /** When given, the routing of this service's database (dbarch.routing) must stay on green. */
  readonly route?: { readonly service: string; readonly database: string };
  /** The progress an earlier attempt heartbeated: the window resumes there instead of starting over. */
  readonly resume?: unknown;
}

export interface WatchGreenResult {
  /** Checks in all, this attempt's and those of the attempts it resumed. */
  readonly checks: number;
  /** Checks made by earlier attempts, which this one continued from (0: it started the window). */
  readonly resumedChecks: number;
  /** Failed checks in all (each run of them shorter than maxFailures + 1). */
  readonly failures: number;
  readonly watchedMs: number;
}

/** Heartbeat details; a retried attempt resumes the window from them (when the last heartbeat carried them). */
export interface WatchProgress {
  readonly phase: 'watching';
  readonly checks: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  readonly elapsedMs: number;
  readonly lastProblem: string | null;
}

/**
 * Blue-green step 5, after the switch: watches green for a while. Every interval it runs the health query on
 * green and, with `route`, checks that the routing still points at green. More than `maxFailures` failed checks
 * in a row end the watch with the permanent DBA_BLUEGREEN_UNHEALTHY, so the procedure's compensations switch
 * traffic back to blue. Read-only; a retry resumes the window where the last heartbeat with progress left it.
 */
export function watchGreen(deps: ActivityDeps) {
  return async function watchGreen(input: WatchGreenInput, context: Pick<StepExecution, 'signal' | 'heartbeat' | 'log'>): Promise<WatchGreenResult> {
    const maxFailures = input.maxFailures ?? 2;
    const details = input.resume as Partial<WatchProgress> | undefined;
    const resumed = details?.phase === 'watching' ? (details as WatchProgress) : undefined;
    let { checks, failures, consecutiveFailures } = resumed ?? { checks: 0, failures: 0, consecutiveFailures: 0 };
    const started = Date.now() - (resumed?.elapsedMs ?? 0);
    let lastProblem: string | null = resumed?.lastProblem ?? null;
    await pollUntil(context, input.intervalMs, async () => {
      const problem = await checkOnce(deps, input);
      checks += 1;
      if (problem === undefined) consecutiveFailures = 0;
      else {
        failures += 1;
        consecutiveFailures += 1;
        lastProblem = problem;
        context.log.warn({ problem, consecutiveFailures }, 'green failed a health check');
      }
      if (consecutiveFailures > maxFailures) {
        throw new DbarchError('DBA_BLUEGREEN_UNHEALTHY', `green failed ${consecutiveFailures} health checks in a row: ${problem ?? lastProblem ?? 'unknown'}`, {
          details: { checks, failures, consecutiveFailures, lastProblem },
        });
      }
      const elapsedMs = Date.now() - started;
      if (elapsedMs >= input.durationMs) return { done: true, value: undefined };
      const progress: WatchProgress = { phase: 'watching', checks, failures, consecutiveFailures, elapsedMs, lastProblem };
      return { done: false, progress: { ...progress } };
    });
    const result: WatchGreenResult = { checks, resumedChecks: resumed?.checks ?? 0, failures, watchedMs: Date.now() - started };
    context.log.info({ ...result }, 'green stayed healthy');
    return result;
  };
}

/** One look at green; a problem is returned as text (it counts towards the limit), never thrown. */
async function checkOnce(deps: ActivityDeps, input: WatchGreenInput): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: input.greenUrl, application_name: 'dbarch:replication:watch', connectionTimeoutMillis: Math.max(1000, input.intervalMs) });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<Record<string, unknown>>(input.healthQuery ?? 'SELECT true AS healthy');
    const first = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
    if (!(first === true || (typeof first === 'number' && first !== 0) || (typeof first === 'string' && /^(t|true|[1-9]\d*)$/i.test(first)))) {
      return `health query returned ${JSON.stringify(first ?? null)}`;
    }
  } catch (error) {
    const sqlstate = (error as { code?: string }).code;
    return `green: ${sqlstate ? `${sqlstate} ` : ''}${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!input.route) return undefined;
  await ensureRoutingTables(deps.urls.postgres, deps.log);
  const { rows } = await deps
    .postgres()
    .query<{ active_color: string }>('SELECT active_color FROM dbarch.routing WHERE service = $1 AND database = $2', [input.route.service, input.route.database]);
  const color = rows[0]?.active_color;
  return color === 'green' ? undefined : `routing of ${input.route.service}/${input.route.database} points at ${color ?? 'nothing'}, not green`;
}
