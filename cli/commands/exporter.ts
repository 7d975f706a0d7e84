import { startExporter } from '../../activities/monitoring/startExporter.ts';
import { exporterSourcesOfSpec } from '../../app/exporterSourcesOfSpec.ts';
import { monitoringSections } from '../../app/monitoringSections.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exporterOptions } from '../../plugins/monitoring/exporterOptions.ts';
import type { TemporalHandle } from '../../runtime/startTemporal.ts';
import { connectTemporal } from '../connectTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

const help = `Usage: dbarch exporter <spec> [--host <address>] [--port <n>] [--scrape-timeout <duration>]

Serves the spec's Prometheus exporter at http://<host>:<port>/metrics (the prometheus entry of
monitoring_config.exporters; port 9187 and host 127.0.0.1 unless it says otherwise). Every server of every
cluster is scraped at each scrape, with the metric groups the exporter lists and those the alert rules need.
Beside PostgreSQL it reads dbarch's own figures where the spec gives them: RabbitMQ queue depths (queue_config),
the outbox backlog (queue_config.outbox), base backups (backup_config), and workflow outcomes and drill results
from Temporal (TEMPORAL_ADDRESS, or the server \`dbarch dev\` runs; --no-temporal leaves them out).
A server, collector or source that fails is reported once here and as dbarch_pg_up /
dbarch_exporter_collector_success / dbarch_exporter_source_success 0. Stops on SIGINT or SIGTERM.

Options:
  --host <address>            listen address (overrides the spec)
  --port <n>                  listen port (overrides the spec; 0 picks a free one)
  --scrape-timeout <duration> bound on one scrape of one server (default 5s; Prometheus's own timeout lowers it)
  --no-temporal               do not read workflow outcomes and drill results from Temporal
  -h, --help                  this help`;

/** `dbarch exporter <spec>`: the Prometheus exporter, in the foreground. */
export async function run(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs('exporter', argv, {
      host: { type: 'string' },
      port: { type: 'string' },
      'scrape-timeout': { type: 'string', default: '5s' },
      'no-temporal': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    if (positionals.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch exporter specs/platform.yaml`' });
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
      throw new DbarchError('DBA_USAGE', `dbarch exporter: --port must be a port number, not "${values.port}"`, { hint: 'e.g. `--port 9187`' });
    }
    const timeout = parseDuration(values['scrape-timeout']);
    if (!timeout.ok || timeout.value <= 0) {
      throw new DbarchError('DBA_USAGE', `dbarch exporter: --scrape-timeout must be a duration, not "${values['scrape-timeout']}"`, { hint: 'e.g. `--scrape-timeout 5s`' });
    }
    const options = exporterOptions(await monitoringSections(positionals));
    let temporal: TemporalHandle | undefined;
    if (values['no-temporal'] !== true) {
      temporal = await connectTemporal().catch((error: unknown) => {
        console.error(`workflow outcomes left out: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      });
    }
    const sources = await exporterSourcesOfSpec(positionals, { timeoutMs: timeout.value, ...(temporal ? { temporal: temporal.client } : {}) });
    const exporter = await startExporter({
      ...options,
      sources,
      host: values.host ?? options.host,
      port: port ?? options.port,
      scrapeTimeoutMs: timeout.value,
      onProblem: (problem) => console.error(`${problem.code}: ${problem.message}\nhint: ${problem.hint}`),
      onRecovered: ({ cluster, server, collector }) => console.error(`recovered: ${collector ?? 'server'} on ${server} (cluster ${cluster})`),
    });
    const clusters = [...new Set(options.targets.map((t) => t.cluster))];
    console.log(`dbarch exporter listening on ${exporter.url} (clusters: ${clusters.join(', ')}; servers: ${options.targets.length}; collectors: ${options.collectors.join(', ') || 'none'}; sources: ${sources.map((s) => s.name).join(', ') || 'none'})`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await exporter.close();
    await temporal?.close();
    return exitCodes.ok;
  } catch (error) {
    return reportError(error);
  }
}
