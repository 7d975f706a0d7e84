import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { MetricFamily } from './Collector.ts';
import { collectorsByName } from './collectorsByName.ts';
import type { ExporterOptions } from './ExporterOptions.ts';
import { readPlatformSource, type PlatformReading } from './readPlatformSource.ts';
import { TargetScraper } from './TargetScraper.ts';
import type { TargetScrape } from './TargetScrape.ts';

export interface Exporter {
  /** http://host:port/metrics */
  readonly url: string;
  readonly port: number;
  /** Its prom-client registry: log shipping registers its counters here, so /metrics serves them too. */
  readonly registry: Registry;
  /** One scrape of every server, in the exposition format (what GET /metrics answers). */
  scrape(timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

const base = ['cluster', 'server'];

/** Leaves Prometheus this much of its scrape timeout to read the answer. */
const headerMarginMs = 250;

/**
 * The Prometheus exporter: every listed collector on every server at each scrape (servers in parallel, each
 * bounded by the scrape timeout), through prom-client's registry and exposition format. Figures are read at
 * scrape time, never cached; concurrent scrapes share the one in flight. Besides PostgreSQL's figures it exports
 * its own health: dbarch_pg_up, per-collector success and duration, timeouts.
 */
export async function startExporter(options: ExporterOptions): Promise<Exporter> {
  const registry = new Registry();
  const collectors = options.collectors.map((name) => collectorsByName[name]);
  const families = new Map<string, { family: MetricFamily; metric: Gauge | Counter }>();
  for (const family of collectors.flatMap((c) => c.families)) {
    const config = { name: family.name, help: family.help, labelNames: [...base, ...family.labels], registers: [registry] };
    families.set(family.name, { family, metric: family.type === 'counter' ? new Counter(config) : new Gauge(config) });
  }
  const sources = options.sources ?? [];
  for (const family of sources.flatMap((s) => s.families)) {
    families.set(family.name, { family, metric: new Gauge({ name: family.name, help: family.help, labelNames: [...family.labels], registers: [registry] }) });
  }
  const own = {
    up: new Gauge({ name: 'dbarch_pg_up', help: 'Whether the server answered the exporter in this scrape (1) or not (0).', labelNames: base, registers: [registry] }),
    inRecovery: new Gauge({ name: 'dbarch_pg_in_recovery', help: 'Whether the server is a standby (pg_is_in_recovery()).', labelNames: base, registers: [registry] }),
    scrapeSeconds: new Gauge({ name: 'dbarch_exporter_scrape_duration_seconds', help: 'How long the scrape of the server took.', labelNames: base, registers: [registry] }),
    success: new Gauge({ name: 'dbarch_exporter_collector_success', help: 'Whether the collector\'s queries succeeded in this scrape.', labelNames: [...base, 'collector'], registers: [registry] }),
    collectorSeconds: new Gauge({ name: 'dbarch_exporter_collector_duration_seconds', help: 'How long the collector\'s queries took in this scrape.', labelNames: [...base, 'collector'], registers: [registry] }),
    timeouts: new Counter({ name: 'dbarch_exporter_scrape_timeouts_total', help: 'Scrapes of the server cut short by the scrape timeout.', labelNames: base, registers: [registry] }),
    errors: new Counter({ name: 'dbarch_exporter_collector_errors_total', help: 'Collector runs that failed.', labelNames: [...base, 'collector'], registers: [registry] }),
    sourceSuccess: new Gauge({ name: 'dbarch_exporter_source_success', help: 'Whether the platform source (queues, outbox, backups, workflows) was read in this scrape.', labelNames: ['source'], registers: [registry] }),
    sourceSeconds: new Gauge({ name: 'dbarch_exporter_source_duration_seconds', help: 'How long reading the platform source took in this scrape.', labelNames: ['source'], registers: [registry] }),
  };
  const scrapers = options.targets.map((target) => new TargetScraper(target, collectors, options.scrapeTimeoutMs));
  const failing = new Map<string, string>();

  const report = (scrapers: readonly TargetScraper[], results: readonly TargetScrape[], read: readonly PlatformReading[]) => {
    for (const { metric } of families.values()) metric.reset();
    for (const gauge of [own.up, own.inRecovery, own.scrapeSeconds, own.success, own.collectorSeconds, own.sourceSuccess, own.sourceSeconds]) gauge.reset();
    read.forEach((reading, i) => {
      const source = sources[i]!.name;
      own.sourceSuccess.set({ source }, reading.problem === undefined ? 1 : 0);
      own.sourceSeconds.set({ source }, reading.seconds);
      track(`source/${source}`, reading.problem, { cluster: '', server: '', collector: source });
      for (const sample of reading.samples) (families.get(sample.family.name)?.metric as Gauge | undefined)?.set(sample.labels, sample.value);
    });
    results.forEach((result, i) => {
      const { cluster, server } = scrapers[i]!.target;
      const labels = { cluster, server };
      own.up.set(labels, result.up ? 1 : 0);
      if (result.inRecovery !== undefined) own.inRecovery.set(labels, result.inRecovery ? 1 : 0);
      own.scrapeSeconds.set(labels, result.seconds);
      if (result.timedOut) own.timeouts.inc(labels);
      track(`${cluster}/${server}`, result.up && !result.timedOut ? undefined : result.problem, { cluster, server });
      for (const outcome of result.collectors) {
        const collectorLabels = { ...labels, collector: outcome.collector };
        own.success.set(collectorLabels, outcome.ok ? 1 : 0);
        own.collectorSeconds.set(collectorLabels, outcome.seconds);
        if (!outcome.ok) own.errors.inc(collectorLabels);
        if (result.up && !result.timedOut) track(`${cluster}/${server}/${outcome.collector}`, outcome.problem, { cluster, server, collector: outcome.collector });
      }
      for (const sample of result.samples) {
        const entry = families.get(sample.family.name);
        if (entry === undefined) continue;
        if (entry.metric instanceof Counter) entry.metric.inc(sample.labels, sample.value);
        else entry.metric.set(sample.labels, sample.value);
      }
    });
  };

  // Problems are reported when they start or change, and recoveries once, so a down server is one log line.
  const track = (key: string, problem: DbarchError | undefined, where: { cluster: string; server: string; collector?: string }) => {
    const previous = failing.get(key);
    if (problem === undefined) {
      if (previous !== undefined) {
        failing.delete(key);
        options.onRecovered?.(where);
      }
      return;
    }
    if (previous === problem.code) return;
    failing.set(key, problem.code);
    options.onProblem?.(problem);
  };

  let inFlight: Promise<string> | undefined;
  const scrape = (timeoutMs = options.scrapeTimeoutMs): Promise<string> => {
    inFlight ??= (async () => {
      try {
        const [results, read] = await Promise.all([Promise.all(scrapers.map((s) => s.scrape(timeoutMs))), Promise.all(sources.map((s) => readPlatformSource(s, timeoutMs)))]);
        report(scrapers, results, read);
        return await registry.metrics();
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(path === '/metrics' ? 405 : 404, { 'content-type': 'text/plain' }).end(path === '/' ? 'dbarch exporter: metrics at /metrics\n' : 'not found\n');
      return;
    }
    const header = Number(request.headers['x-prometheus-scrape-timeout-seconds']);
    const timeoutMs = Number.isFinite(header) && header > 0 ? Math.max(100, Math.min(options.scrapeTimeoutMs, header * 1000 - headerMarginMs)) : options.scrapeTimeoutMs;
    scrape(timeoutMs).then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`scrape failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new DbarchError('DBA_MONITORING_LISTEN_FAILED', `the exporter cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, { cause: error, details: { host: options.host, port: options.port } })),
    );
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    registry,
    scrape,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([...scrapers.map((s) => s.close()), ...sources.map((s) => s.close?.())]);
    },
  };
}
