import { startVictoriaServer, type VictoriaServer } from './victoriaServer.ts';

/** The VictoriaMetrics release the harness and `.ci/run` agree on. */
export const victoriaMetricsVersion = 'v1.151.0';

/** One series as `/api/v1/export` gives it: labels (`__name__` included) and its raw samples. */
export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: number[];
  /** Milliseconds since the epoch, one per value. */
  readonly timestamps: number[];
}

/**
 * A single-node VictoriaMetrics this test started, with its own data directory. What it accepts (below `endpoint`):
 * - Datadog series: `POST /datadog/api/v1/series` and `/datadog/api/v2/series` (the Datadog API base URL is
 *   `<endpoint>/datadog`), `GET /datadog/api/v1/validate`; metric names keep their dots (Datadog's own
 *   sanitizing: select `{__name__="dbarch.replication_lag"}`), tags `k:v` become labels, and `host` (v1) or a
 *   `host` resource (v2) the `host` label;
 * - Prometheus remote write, `/api/v1/import` (JSON lines), InfluxDB line protocol, OpenTSDB.
 * Queries: PromQL/MetricsQL at `/api/v1/query`, raw samples at `/api/v1/export`.
 */
export interface VictoriaMetrics extends VictoriaServer {
  /** The Datadog-compatible API base URL: `<endpoint>/datadog`. */
  readonly datadogUrl: string;
  /** Raw samples of every series matching the selector (after making what was ingested searchable). */
  exportSeries(selector: string): Promise<ExportedSeries[]>;
}

/** Starts VictoriaMetrics on a free port of 127.0.0.1 and resolves once `/health` answers; call `stop()` in `after`. */
export async function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  const server = await startVictoriaServer({
    name: 'victoria-metrics',
    version: victoriaMetricsVersion,
    envVariable: 'DBARCH_VICTORIA_METRICS_PATH',
    module: 'github.com/VictoriaMetrics/VictoriaMetrics/app/victoria-metrics',
    // Queries see samples as soon as they are flushed, not 30 s later (the default hides the newest 30 s).
    args: ['-loggerLevel=WARN', '-search.latencyOffset=0s'],
  });
  return {
    ...server,
    datadogUrl: `${server.endpoint}/datadog`,
    async exportSeries(selector) {
      await server.forceFlush();
      const response = await fetch(`${server.endpoint}/api/v1/export`, { method: 'POST', body: new URLSearchParams({ 'match[]': selector }) });
      const body = await response.text();
      if (!response.ok) throw new Error(`VictoriaMetrics export ${selector} answered ${response.status}: ${body}`);
      return body
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as ExportedSeries);
    },
  };
}
