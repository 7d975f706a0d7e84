import { createHash } from 'node:crypto';
import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ErrorCode } from '../../errors/registry.ts';
import { redactUrl } from '../../runtime/redactUrl.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';
import type { Collector, CollectorSession, MetricSample } from './Collector.ts';
import { ensurePgStatStatements } from './ensurePgStatStatements.ts';
import type { MonitoringTarget } from './MonitoringTarget.ts';
import type { CollectorOutcome, TargetScrape } from './TargetScrape.ts';

interface Connected {
  readonly client: pg.Client;
  /** Why pg_stat_statements cannot be read on this connection, checked once when it was made. */
  statementsProblem: DbarchError | undefined;
  statementsChecked: boolean;
}

/**
 * Scrapes one server over one long-lived connection. Every statement is bounded by statement_timeout (and a
 * shorter lock_timeout, since waiting on a lock is how a database usually hangs a reader); the whole scrape is
 * bounded by a timer as well, for a server that does not answer at all. A connection that outlived its scrape is
 * destroyed (its socket, not a polite Terminate the server may never read) and the next scrape reconnects.
 */
export class TargetScraper {
  private connected: Connected | undefined;

  constructor(
    readonly target: MonitoringTarget,
    private readonly collectors: readonly Collector[],
    private readonly timeoutMs: number,
  ) {}

  async scrape(timeoutMs = this.timeoutMs): Promise<TargetScrape> {
    const started = performance.now();
    const state = { abandoned: false, up: false, inRecovery: undefined as boolean | undefined, samples: [] as MetricSample[], outcomes: [] as CollectorOutcome[], problem: undefined as DbarchError | undefined };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([this.run(state).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    if (outcome === 'timeout') {
      state.abandoned = true;
      this.discard();
      const problem = new DbarchError('DBA_MONITORING_SCRAPE_TIMEOUT', `${this.target.server} (cluster ${this.target.cluster}) did not answer within ${timeoutMs} ms`, {
        details: { cluster: this.target.cluster, server: this.target.server, timeoutMs },
      });
      const done = new Set(state.outcomes.map((o) => o.collector));
      const unfinished = this.collectors.filter((c) => !done.has(c.name)).map((c) => ({ collector: c.name, ok: false, seconds: 0, problem }));
      return { up: state.up, inRecovery: state.inRecovery, timedOut: true, seconds, samples: [...state.samples], collectors: [...state.outcomes, ...unfinished], problem: state.problem ?? problem };
    }
    return { up: state.up, inRecovery: state.inRecovery, timedOut: false, seconds, samples: state.samples, collectors: state.outcomes, ...(state.problem ? { problem: state.problem } : {}) };
  }

  async close(): Promise<void> {
    const client = this.connected?.client;
    this.connected = undefined;
    if (client !== undefined) await client.end().catch(() => undefined);
  }

  private async run(state: { abandoned: boolean; up: boolean; inRecovery: boolean | undefined; samples: MetricSample[]; outcomes: CollectorOutcome[]; problem: DbarchError | undefined }): Promise<void> {
    let connected: Connected;
    let inRecovery: boolean;
    try {
      connected = await this.connection();
      const { rows } = await connected.client.query<{ in_recovery: boolean }>('SELECT pg_is_in_recovery() AS in_recovery');
      inRecovery = rows[0]?.in_recovery === true;
      if (!connected.statementsChecked && this.collectors.some((c) => c.name === 'pg_stat_statements')) {
        connected.statementsProblem = await ensurePgStatStatements(connected.client, inRecovery, this.target.server);
        connected.statementsChecked = true;
      }
    } catch (error) {
      if (state.abandoned) return;
      this.discard();
      state.problem = this.failure('is down', error, undefined, 'DBA_MONITORING_SERVER_DOWN');
      return;
    }
    if (state.abandoned) return;
    state.up = true;
    state.inRecovery = inRecovery;
    const session: CollectorSession = {
      inRecovery,
      databases: this.target.databases,
      // Named statements: the connection parses and plans each collector's query once, not at every scrape.
      query: async <R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) =>
        (await connected.client.query<R>({ name: statementName(sql), text: sql, values: params ? [...params] : [] })).rows,
    };
    for (const collector of this.collectors) {
      const began = performance.now();
      const seconds = () => (performance.now() - began) / 1000;
      if (collector.name === 'pg_stat_statements' && connected.statementsProblem !== undefined) {
        state.outcomes.push({ collector: collector.name, ok: false, seconds: 0, problem: connected.statementsProblem });
        continue;
      }
      try {
        const samples = await collector.collect(session);
        if (state.abandoned) return;
        state.samples.push(...samples.map((s) => ({ ...s, labels: { cluster: this.target.cluster, server: this.target.server, ...s.labels } })));
        state.outcomes.push({ collector: collector.name, ok: true, seconds: seconds() });
      } catch (error) {
        if (state.abandoned) return;
        state.outcomes.push({ collector: collector.name, ok: false, seconds: seconds(), problem: this.failure(`failed collecting ${collector.name}`, error, collector.name) });
        // A broken connection fails every later collector too: reconnect at the next scrape.
        if (classifyPgError(error).category === 'connection') {
          this.discard();
          return;
        }
      }
    }
  }

  private async connection(): Promise<Connected> {
    if (this.connected !== undefined) return this.connected;
    const client = new pg.Client({
      connectionString: this.target.url,
      application_name: 'dbarch-exporter',
      connectionTimeoutMillis: this.timeoutMs,
      statement_timeout: this.timeoutMs,
      lock_timeout: Math.max(1, Math.floor(this.timeoutMs / 4)),
    });
    // A server that goes away between scrapes: drop the connection, the next scrape reconnects.
    client.on('error', () => {
      if (this.connected?.client === client) this.discard();
    });
    await client.connect();
    this.connected = { client, statementsProblem: undefined, statementsChecked: false };
    return this.connected;
  }

  private discard(): void {
    const client = this.connected?.client;
    this.connected = undefined;
    // Not client.end(): a hung server may never read the Terminate message, and end() would wait for it.
    client?.connection.stream.destroy();
  }

  private failure(what: string, error: unknown, collector?: string, otherwise: ErrorCode = 'DBA_MONITORING_COLLECTOR_FAILED'): DbarchError {
    const { sqlstate, category } = classifyPgError(error);
    const message = error instanceof Error ? error.message : String(error);
    const code = category === 'statement_timeout' || category === 'lock_timeout' ? 'DBA_MONITORING_SCRAPE_TIMEOUT' : otherwise;
    return new DbarchError(code, `${this.target.server} (cluster ${this.target.cluster}) ${what}: ${message}`, {
      cause: error,
      details: { cluster: this.target.cluster, server: this.target.server, url: redactUrl(this.target.url), sqlstate, ...(collector ? { collector } : {}) },
    });
  }
}

function statementName(sql: string): string {
  return `dbarch_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
}
