import pg from 'pg';
import type { MonitoringTarget } from '../MonitoringTarget.ts';
import type { StructuredLogRecord } from './StructuredLogRecord.ts';

interface Reading {
  readonly calls: number;
  readonly totalMs: number;
  readonly maxMs: number;
  readonly rows: number;
}

type Row = { datname: string; key: string; query: string; calls: string; total_ms: number; max_ms: number; rows: string };

/** Slow statements of one reading, and how many calls the reading saw in all (the slow_query_count per cluster). */
export interface SlowStatements {
  readonly records: StructuredLogRecord[];
  readonly slowCalls: number;
}

/**
 * The slow-query log from the server's side: pg_stat_statements read on an interval, each statement's calls and
 * time between two readings compared. A statement whose new calls took at least the threshold on average, or whose
 * slowest call so far grew past it, is one slow record (mean duration, mean rows, the calls it covers). The first
 * reading is the baseline; a statement first seen later counts from zero (it is new, or was evicted and came back).
 * One connection per server, each read bounded by statement_timeout.
 */
export class SlowStatementReader {
  #client: pg.Client | undefined;
  #previous: Map<string, Reading> | undefined;

  constructor(
    readonly target: MonitoringTarget,
    private readonly thresholdMs: number,
    private readonly timeoutMs = 5000,
  ) {}

  async read(): Promise<SlowStatements> {
    const client = await this.#connection();
    let rows: Row[];
    try {
      ({ rows } = await client.query<Row>(
        `SELECT d.datname, s.dbid || ':' || s.userid || ':' || s.queryid || ':' || s.toplevel AS key, s.query, s.calls,
                s.total_exec_time AS total_ms, s.max_exec_time AS max_ms, s.rows
           FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
          WHERE d.datname = ANY($1) AND s.queryid IS NOT NULL`,
        [this.target.databases],
      ));
    } catch (error) {
      this.#discard();
      throw error;
    }
    const current = new Map<string, Reading>();
    const records: StructuredLogRecord[] = [];
    let slowCalls = 0;
    const timestamp = new Date().toISOString();
    for (const row of rows) {
      const reading = { calls: Number(row.calls), totalMs: row.total_ms, maxMs: row.max_ms, rows: Number(row.rows) };
      current.set(row.key, reading);
      if (this.#previous === undefined) continue;
      const before = this.#previous.get(row.key);
      // Fewer calls than before: the entry was reset or evicted and came back, so it counts from zero.
      const base = before !== undefined && before.calls <= reading.calls ? before : { calls: 0, totalMs: 0, maxMs: 0, rows: 0 };
      const calls = reading.calls - base.calls;
      if (calls <= 0) continue;
      const meanMs = (reading.totalMs - base.totalMs) / calls;
      const maxGrew = reading.maxMs > base.maxMs && reading.maxMs >= this.thresholdMs;
      if (meanMs < this.thresholdMs && !maxGrew) continue;
      slowCalls += meanMs >= this.thresholdMs ? calls : 1;
      records.push({
        timestamp,
        level: 'warn',
        component: 'database-architect',
        message: 'Slow query detected',
        log_type: 'slow_queries',
        query: row.query,
        duration_ms: Math.round(meanMs * 1000) / 1000,
        rows_returned: Math.round((reading.rows - base.rows) / calls),
        source: 'pg_stat_statements',
        cluster: this.target.cluster,
        server: this.target.server,
        database: row.datname,
        calls,
        ...(maxGrew ? { max_duration_ms: Math.round(reading.maxMs * 1000) / 1000 } : {}),
      });
    }
    this.#previous = current;
    return { records, slowCalls };
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client !== undefined) return this.#client;
    const client = new pg.Client({ connectionString: this.target.url, application_name: 'dbarch-slow-query-log', connectionTimeoutMillis: this.timeoutMs, statement_timeout: this.timeoutMs });
    client.on('error', () => {
      if (this.#client === client) this.#discard();
    });
    try {
      await client.connect();
    } catch (error) {
      client.connection.stream.destroy();
      throw error;
    }
    this.#client = client;
    return client;
  }

  #discard(): void {
    const client = this.#client;
    this.#client = undefined;
    client?.connection.stream.destroy();
  }
}
