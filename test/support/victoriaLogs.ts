import { startVictoriaServer, type VictoriaServer } from './victoriaServer.ts';

/** The VictoriaLogs release the harness and `.ci/run` agree on. */
export const victoriaLogsVersion = 'v1.52.1';

/**
 * A VictoriaLogs server this test started, with its own data directory. What it accepts (all below `endpoint`):
 * - Elasticsearch bulk NDJSON: `POST /insert/elasticsearch/_bulk` (the ES base URL is `/insert/elasticsearch`);
 *   headers `VL-Msg-Field`, `VL-Time-Field`, `VL-Stream-Fields` name the message, time and stream fields (real
 *   Elasticsearch ignores them, where query arguments would be refused);
 * - Splunk HEC: `POST /insert/splunk/services/collector/event` (and `/services/collector/event` at the root),
 *   health at `/insert/splunk/services/collector/health`;
 * - Datadog logs: `POST /insert/datadog/api/v2/logs` (also `/api/v2/logs` at the root);
 * - JSON lines: `POST /insert/jsonline`.
 * Queries: LogsQL at `/select/logsql/query` (one JSON object per line, every value a string).
 */
export interface VictoriaLogs extends VictoriaServer {
  /** The Elasticsearch-compatible base URL: `<endpoint>/insert/elasticsearch`. */
  readonly elasticsearchUrl: string;
  /** Runs a LogsQL query (after making what was ingested searchable) and returns the matching records. */
  query(logsql: string, limit?: number): Promise<Record<string, string>[]>;
}

/** Starts VictoriaLogs on a free port of 127.0.0.1 and resolves once `/health` answers; call `stop()` in `after`. */
export async function startVictoriaLogs(): Promise<VictoriaLogs> {
  const server = await startVictoriaServer({
    name: 'victoria-logs',
    version: victoriaLogsVersion,
    envVariable: 'DBARCH_VICTORIA_LOGS_PATH',
    module: 'github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs',
    args: ['-loggerLevel=WARN'],
  });
  return {
    ...server,
    elasticsearchUrl: `${server.endpoint}/insert/elasticsearch`,
    async query(logsql, limit = 1000) {
      await server.forceFlush();
      const response = await fetch(`${server.endpoint}/select/logsql/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: logsql, limit: String(limit) }),
      });
      const body = await response.text();
      if (!response.ok) throw new Error(`VictoriaLogs query ${logsql} answered ${response.status}: ${body}`);
      return body
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, string>);
    },
  };
}

