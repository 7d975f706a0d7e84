import type { MetricName } from '../../../compiler/grammar/metricCatalogue.ts';
import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import { classifyPgError } from '../../postgres/classifyPgError.ts';
import type { ExporterOptions } from '../ExporterOptions.ts';
import { startExporter, type Exporter } from '../startExporter.ts';
import { DatadogForwarder } from './DatadogForwarder.ts';
import { DatadogReadings } from './datadogReadings.ts';
import { createLogShipping, type LogShipping } from './createLogShipping.ts';
import type { LogShipper } from './LogShipper.ts';
import type { LogShippingSettings } from './LogShippingSettings.ts';
import { QueryTimingLog } from './QueryTimingLog.ts';
import { SlowStatementReader } from './SlowStatementReader.ts';
import type { StructuredLogRecord } from './StructuredLogRecord.ts';

export interface DatadogSettings {
  readonly url: string;
  readonly apiKey: string;
  readonly metrics: readonly MetricName[];
}

export interface ShippingOptions {
  /** The exporter whose readings are submitted and whose registry (and /metrics) carries the shipping counters. */
  readonly exporter: ExporterOptions;
  readonly logs?: LogShippingSettings;
  readonly datadog?: DatadogSettings;
  /** Between two readings of pg_stat_statements and two Datadog submissions. */
  readonly intervalMs: number;
  readonly onProblem?: (problem: DbarchError) => void;
  readonly onRecovered?: (what: string) => void;
}

export interface Shipping {
  readonly exporter: Exporter;
  readonly shipper: LogShipper | undefined;
  readonly forwarder: DatadogForwarder | undefined;
  /** The data plane's slow-query log: pass `timings.observe` as a DatabaseClient's `onQuery`. */
  readonly timings: QueryTimingLog;
  /** One reading now (statements, Datadog), besides the interval's. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Log and metric shipping for a spec: slow statements from pg_stat_statements deltas and the data plane's own
 * timings, failed statements and the exporter's problems as error logs, all as structured records through a
 * bounded, retrying shipper to an Elasticsearch bulk receiver; and every interval the datadog exporter's metrics,
 * read from the exporter's scrape and the data plane's timings, submitted to the Datadog series API.
 */
export async function startShipping(options: ShippingOptions): Promise<Shipping> {
  const logTypes = new Set(options.logs?.logTypes ?? []);
  let logShipping: LogShipping | undefined;
  const emit = (record: StructuredLogRecord) => void logShipping?.emit(record);
  // Servers without the library: the exporter said so once; the slow-query log does not say it again.
  const notLoaded = new Set<string>();
  const exporterProblem = (problem: DbarchError) => {
    const at = problem.details as { server?: string };
    if (problem.code === 'DBA_MONITORING_PG_STAT_STATEMENTS_NOT_LOADED' && at.server !== undefined) notLoaded.add(at.server);
    options.onProblem?.(problem);
    if (!logTypes.has('error_logs')) return;
    const where = problem.details as { cluster?: string; server?: string; sqlstate?: string };
    emit({
      timestamp: new Date().toISOString(),
      level: 'error',
      component: 'dbarch-exporter',
      message: problem.message,
      log_type: 'error_logs',
      source: 'exporter',
      code: problem.code,
      ...(where.cluster ? { cluster: where.cluster } : {}),
      ...(where.server ? { server: where.server } : {}),
      ...(where.sqlstate ? { sqlstate: where.sqlstate } : {}),
    });
  };
  const exporter = await startExporter({
    ...options.exporter,
    onProblem: exporterProblem,
    onRecovered: (what) => {
      if (what.collector === 'pg_stat_statements') notLoaded.delete(what.server);
      options.exporter.onRecovered?.(what);
    },
  });
  const logs = options.logs;
  const callbacks = { ...(options.onProblem ? { onProblem: options.onProblem } : {}), ...(options.onRecovered ? { onRecovered: options.onRecovered } : {}) };
  if (logs !== undefined) logShipping = createLogShipping(logs, exporter.registry, callbacks);
  const shipper: LogShipper | undefined = logShipping?.shipper;
  const thresholdMs = logs?.slowQueryThresholdMs ?? 1000;
  // Without log shipping the data plane's timings still feed the Datadog figures.
  const timings = logShipping?.timings ?? new QueryTimingLog({ thresholdMs, logTypes, emit });
  const readers = logTypes.has('slow_queries') || options.datadog?.metrics.includes('slow_query_count') ? options.exporter.targets.map((t) => new SlowStatementReader(t, thresholdMs, options.exporter.scrapeTimeoutMs)) : [];
  const statementProblems = new Map<string, string>();
  const datadog = options.datadog;
  const forwarder = datadog === undefined
    ? undefined
    : new DatadogForwarder({
        url: datadog.url,
        apiKey: datadog.apiKey,
        registry: exporter.registry,
        ...(options.onProblem ? { onProblem: options.onProblem } : {}),
        ...(options.onRecovered ? { onRecovered: options.onRecovered } : {}),
      });
  const readings = new DatadogReadings(datadog?.metrics ?? []);
  let last = performance.now();

  const readStatements = async () => {
    const slowByCluster = new Map<string, number>();
    await Promise.all(
      readers.map(async (reader) => {
        const key = `${reader.target.cluster}/${reader.target.server}`;
        if (notLoaded.has(reader.target.server)) return;
        try {
          const { records, slowCalls } = await reader.read();
          slowByCluster.set(reader.target.cluster, (slowByCluster.get(reader.target.cluster) ?? 0) + slowCalls);
          if (logTypes.has('slow_queries')) records.forEach(emit);
          if (statementProblems.delete(key)) options.onRecovered?.(`the slow-query log of ${key}`);
        } catch (error) {
          // Reported once per cause (a missing extension would otherwise repeat every interval).
          const cause = isDbarchError(error) ? error.code : (classifyPgError(error).sqlstate ?? 'error');
          if (statementProblems.get(key) === cause) return;
          statementProblems.set(key, cause);
          exporterProblem(statementsFailed(reader, error));
        }
      }),
    );
    return slowByCluster;
  };

  const tick = async () => {
    const now = performance.now();
    const intervalSeconds = Math.max(0.001, (now - last) / 1000);
    last = now;
    const slowByCluster = await readStatements();
    const latencies = timings.takeInterval();
    if (forwarder === undefined) return;
    await exporter.scrape();
    const families = await exporter.registry.getMetricsAsJSON();
    await forwarder.submit(readings.read({ families, latencies, slowStatementsByCluster: slowByCluster, intervalSeconds }), Math.round(intervalSeconds));
  };

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = setTimeout(() => {
      running = tick().catch((error: unknown) => exporterProblem(tickFailed(error))).finally(() => {
        if (!closed) schedule();
      });
    }, options.intervalMs);
  };
  // A first scrape creates pg_stat_statements where it is loaded but missing; the first reading is the baseline.
  if (readers.length > 0) {
    await exporter.scrape();
    await readStatements();
  }
  schedule();

  return {
    exporter,
    shipper,
    forwarder,
    timings,
    tick: () => (running = running.then(tick)),
    async close() {
      closed = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
      await shipper?.close();
      await Promise.all(readers.map((r) => r.close()));
      await exporter.close();
    },
  };
}

/** A failed read of pg_stat_statements, by SQLSTATE: the library not preloaded, the extension missing, or else. */
function statementsFailed(reader: SlowStatementReader, error: unknown): DbarchError {
  const { sqlstate } = classifyPgError(error);
  const { cluster, server } = reader.target;
  const code = sqlstate === '55000' ? 'DBA_MONITORING_PG_STAT_STATEMENTS_NOT_LOADED' : sqlstate === '42P01' ? 'DBA_MONITORING_PG_STAT_STATEMENTS_UNAVAILABLE' : 'DBA_MONITORING_COLLECTOR_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  return new DbarchError(code, `${server} (cluster ${cluster}): the slow-query log cannot read pg_stat_statements: ${message}`, { cause: error, details: { cluster, server, sqlstate, collector: 'slow_query_log' } });
}

function tickFailed(error: unknown): DbarchError {
  return isDbarchError(error) ? error : new DbarchError('DBA_SHIPPING_RECEIVER_UNREACHABLE', `a shipping round failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
