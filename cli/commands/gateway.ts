import { Registry } from 'prom-client';
import { createLogShipping } from '../../activities/monitoring/shipping/createLogShipping.ts';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { createGatewayServer } from '../../gateway/http/createGatewayServer.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { logShippingSettings } from '../../plugins/monitoring/shippingSettings.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { printSpecIssues } from '../printSpecIssues.ts';
import { serveUntilSignal } from '../serveUntilSignal.ts';

const help = `Usage: dbarch gateway <spec> [--port <n>] [--host 127.0.0.1]

The database gateway (docs/operations/dataplane.md): POST /api/v1/query for every gateway_config route, with the
route's pool, rate limit (shared through REDIS_URL) and query timeout, after a JWT check by
gateway_config.authentication.jwt. GET /health and GET /metrics are public. --port defaults to
gateway_config.listen_port (8080). With monitoring_config.log_shipping, the routes' slow and failed statements
are shipped there (docs/operations/monitoring.md), with the trace id of the request's traceparent.
Stops on SIGINT/SIGTERM.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('gateway', argv, {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const specPath = positionals[0];
  if (specPath === undefined) throw new DbarchError('DBA_USAGE', 'dbarch gateway: which spec?', { hint: 'e.g. `dbarch gateway specs/platform.yaml`' });
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec([specPath], { sections: registry.sections() });
  if (!compiled.valid || compiled.spec === undefined) {
    printSpecIssues(compiled, process.stderr);
    return exitCodes.failed;
  }
  const port = values.port === undefined ? (compiled.spec.gateway_config?.listen_port ?? 8080) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DbarchError('DBA_USAGE', `dbarch gateway: --port must be a number from 0 to 65535, not "${values.port}"`);
  const { spec } = compiled;
  const { logs, warnings } = logShippingSettings({ ...(spec.monitoring_config ? { monitoring_config: spec.monitoring_config } : {}), ...(spec.clusters ? { clusters: spec.clusters } : {}) });
  for (const warning of warnings) console.error(`${warning.code}: ${warning.message}`);
  const metricsRegistry = new Registry();
  const shipping = logs === undefined
    ? undefined
    : createLogShipping(logs, metricsRegistry, { onProblem: (problem) => console.error(`${problem.code}: ${problem.message}`), onRecovered: (what) => console.error(`recovered: ${what}`) });
  const server = await createGatewayServer({ spec, metricsRegistry, ...(shipping ? { onQuery: shipping.timings.observe } : {}) });
  try {
    await serveUntilSignal(server, { verb: 'gateway', port, host: values.host, listenFailed: 'DBA_GATEWAY_LISTEN_FAILED', name: 'dbarch gateway' });
  } finally {
    await shipping?.shipper.close();
  }
  return exitCodes.ok;
}
