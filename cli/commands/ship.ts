import { startShipping } from '../../activities/monitoring/shipping/startShipping.ts';
import { monitoringSections } from '../../app/monitoringSections.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { monitoringTargets } from '../../plugins/monitoring/monitoringTargets.ts';
import { shippingSettings } from '../../plugins/monitoring/shippingSettings.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

export const defaultShippingPort = 9188;

const help = `Usage: dbarch ship <spec> [--host <address>] [--port <n>] [--interval <duration>] [--scrape-timeout <duration>]

Ships what monitoring_config asks for: log_shipping's slow_queries and error_logs as Elasticsearch bulk NDJSON
to its url (slow statements from pg_stat_statements deltas over slow_query_threshold, 1s by default; the
exporter's and the slow-query log's problems as error logs), buffered (bounded), batched and retried with backoff;
and the datadog exporter's metrics in Datadog's series API format (v2) to its url with DD-API-KEY from api_key,
every interval (the exporter's, 15s by default). Its own counters (shipped, dropped, buffered, failures) and the
readings behind them are served at http://<host>:<port>/metrics. Stops on SIGINT or SIGTERM.

Options:
  --host <address>            listen address of /metrics (default 127.0.0.1)
  --port <n>                  listen port of /metrics (default ${defaultShippingPort}; 0 picks a free one)
  --interval <duration>       between readings and submissions (overrides the datadog exporter's interval)
  --scrape-timeout <duration> bound on one reading of one server (default 5s)
  -h, --help                  this help`;

/** `dbarch ship <spec>`: log shipping and Datadog series, in the foreground. */
export async function run(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs('ship', argv, {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: String(defaultShippingPort) },
      interval: { type: 'string' },
      'scrape-timeout': { type: 'string', default: '5s' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    if (positionals.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch ship specs/platform.yaml`' });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new DbarchError('DBA_USAGE', `dbarch ship: --port must be a port number, not "${values.port}"`, { hint: 'e.g. `--port 9188`' });
    const duration = (name: 'interval' | 'scrape-timeout', text: string) => {
      const parsed = parseDuration(text);
      if (!parsed.ok || parsed.value <= 0) throw new DbarchError('DBA_USAGE', `dbarch ship: --${name} must be a duration, not "${text}"`, { hint: `e.g. \`--${name} 15s\`` });
      return parsed.value;
    };
    const sections = await monitoringSections(positionals);
    const settings = shippingSettings(sections);
    for (const warning of settings.warnings) console.error(`${warning.code}: ${warning.message}`);
    const shipping = await startShipping({
      exporter: { host: values.host, port, targets: monitoringTargets(sections), collectors: settings.collectors, scrapeTimeoutMs: duration('scrape-timeout', values['scrape-timeout']) },
      ...(settings.logs ? { logs: settings.logs } : {}),
      ...(settings.datadog ? { datadog: settings.datadog } : {}),
      intervalMs: values.interval === undefined ? settings.intervalMs : duration('interval', values.interval),
      onProblem: (problem) => console.error(`${problem.code}: ${problem.message}\nhint: ${problem.hint}`),
      onRecovered: (what) => console.error(`recovered: ${what}`),
    });
    const what = [
      settings.logs ? `logs (${settings.logs.logTypes.join(', ')}) to ${shipping.shipper?.destination ?? settings.logs.url}` : undefined,
      settings.datadog ? `datadog series (${settings.datadog.metrics.join(', ') || 'none'}) to ${settings.datadog.url}` : undefined,
    ].filter((part) => part !== undefined);
    // Listening before the line is printed: whoever reads it may signal at once.
    const stopped = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log(`dbarch ship: ${what.join('; ')}; its counters at ${shipping.exporter.url}`);
    await stopped;
    await shipping.close();
    return exitCodes.ok;
  } catch (error) {
    return reportError(error);
  }
}
