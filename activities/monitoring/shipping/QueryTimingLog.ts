import type { QueryEvent } from './QueryEvent.ts';
import type { ShippedLogType, StructuredLogRecord } from './StructuredLogRecord.ts';
import { traceIdOf } from './traceIdOf.ts';

export interface QueryTimingLogOptions {
  /** Statements at least this slow are logged as slow (the seed's best practice: 1 s). */
  readonly thresholdMs: number;
  /** Which records to make: slow_queries, error_logs (failed statements). */
  readonly logTypes: ReadonlySet<ShippedLogType>;
  readonly emit: (record: StructuredLogRecord) => void;
  /** The `component` of the records (default `database-architect`, the seed's). */
  readonly component?: string;
  /** Durations kept per service and interval for the quantiles (default 10 000; a uniform sample beyond). */
  readonly samplesPerService?: number;
}

/** One service's data-plane figures over an interval. */
export interface ServiceLatency {
  readonly service: string;
  readonly queries: number;
  readonly slow: number;
  readonly errors: number;
  /** Milliseconds; absent when the interval saw no statement. */
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
}

interface Window {
  queries: number;
  slow: number;
  errors: number;
  samples: number[];
}

/**
 * The data plane's slow-query log and latency figures: fed by DatabaseClient's `onQuery`, it logs each statement
 * over the threshold (with the trace id of the caller's traceparent) and each failed one, and keeps per-service
 * durations for p50/p95/p99 per interval (reservoir-sampled, so memory stays bounded under any load).
 */
export class QueryTimingLog {
  readonly #options: QueryTimingLogOptions;
  readonly #limit: number;
  #windows = new Map<string, Window>();

  constructor(options: QueryTimingLogOptions) {
    this.#options = options;
    this.#limit = options.samplesPerService ?? 10_000;
  }

  /** The `onQuery` option of a DatabaseClient. */
  readonly observe = (event: QueryEvent): void => {
    let window = this.#windows.get(event.service);
    if (window === undefined) {
      window = { queries: 0, slow: 0, errors: 0, samples: [] };
      this.#windows.set(event.service, window);
    }
    window.queries += 1;
    if (window.samples.length < this.#limit) window.samples.push(event.durationMs);
    else {
      const slot = Math.floor(Math.random() * window.queries);
      if (slot < this.#limit) window.samples[slot] = event.durationMs;
    }
    const slow = event.durationMs >= this.#options.thresholdMs;
    if (slow) window.slow += 1;
    if (event.error !== undefined) window.errors += 1;
    const traceId = traceIdOf(event.traceparent);
    const common = {
      timestamp: new Date().toISOString(),
      component: this.#options.component ?? 'database-architect',
      query: event.sql,
      duration_ms: Math.round(event.durationMs * 1000) / 1000,
      source: 'data_plane' as const,
      service: event.service,
      ...(event.endpoint === undefined ? {} : { server: event.endpoint }),
      ...(traceId === undefined ? {} : { trace_id: traceId }),
    };
    if (event.error !== undefined) {
      if (this.#options.logTypes.has('error_logs')) {
        this.#options.emit({
          ...common,
          level: 'error',
          log_type: 'error_logs',
          message: `Query failed: ${event.error.message}`,
          code: event.error.code,
          ...(event.error.sqlstate === undefined ? {} : { sqlstate: event.error.sqlstate }),
        });
      }
      return;
    }
    if (slow && this.#options.logTypes.has('slow_queries')) {
      this.#options.emit({ ...common, level: 'warn', log_type: 'slow_queries', message: 'Slow query detected', ...(event.rowCount === null ? {} : { rows_returned: event.rowCount }) });
    }
  };

  /** The figures since the last call, per service, and a fresh interval. */
  takeInterval(): ServiceLatency[] {
    const windows = this.#windows;
    this.#windows = new Map();
    return [...windows].map(([service, w]) => {
      const sorted = w.samples.sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
      return sorted.length === 0
        ? { service, queries: w.queries, slow: w.slow, errors: w.errors }
        : { service, queries: w.queries, slow: w.slow, errors: w.errors, p50Ms: at(0.5)!, p95Ms: at(0.95)!, p99Ms: at(0.99)! };
    });
  }
}
