import { createApiServer } from '../../api/createApiServer.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { serveUntilSignal } from '../serveUntilSignal.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch serve <spec> [--port 8081] [--host 127.0.0.1]

Serves the HTTP API (docs/api.md): the status page at / (clusters, lag, alerts from DBARCH_ALERTMANAGER_URL, running
workflows), the health endpoints GET /health, /ready, /api/v1/health, /primary, /replica?lag= (docs/operations/cluster.md),
GET /api/v1/status, POST /api/v1/migrations, and with DBARCH_PAYLOAD_KEYS
the codec endpoint POST /codec/decode|encode that the Temporal Web UI can be pointed at. Every request but health needs
\`Authorization: Bearer <DBARCH_API_TOKEN>\`. Stops on SIGINT/SIGTERM. A port that is not 0–65535 is a usage
error (exit 2); a port in use or not allowed is DBA_SERVE_LISTEN_FAILED (exit 1).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, {
    port: { type: 'string', default: '8081' },
    host: { type: 'string', default: '127.0.0.1' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const port = parsePort(values.port);
  const config = dbarchConfig();
  const token = config.apiToken;
  if (!token) throw new DbarchError('DBA_USAGE', 'DBARCH_API_TOKEN is not set', { hint: 'Set DBARCH_API_TOKEN to the bearer token clients must send.' });
  const specPath = positionals[0] ?? 'specs/platform.yaml';
  return withTemporal(async (temporal) => {
    const codec = temporal.dataConverter?.payloadCodecs?.[0];
    const uiOrigin = temporal.uiUrl === undefined ? undefined : new URL(temporal.uiUrl).origin;
    const server = createApiServer({
      client: temporal.client, specPath, taskQueue: config.taskQueue, registry: await loadPluginRegistry(), token,
      ...(codec ? { codec } : {}), ...(uiOrigin ? { uiOrigin, uiUrl: temporal.uiUrl! } : {}), ...(config.alertmanagerUrl ? { alertmanagerUrl: config.alertmanagerUrl } : {}),
    });
    await serveUntilSignal(server, { verb: 'serve', port, host: values.host, listenFailed: 'DBA_SERVE_LISTEN_FAILED', name: 'dbarch API' });
    return exitCodes.ok;
  });
}

/** A TCP port: digits only, 0 (any free port) to 65535. */
function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new DbarchError('DBA_USAGE', `dbarch serve: --port must be a number from 0 to 65535, not "${text}"`, { hint: 'e.g. `dbarch serve specs/platform.yaml --port 8081`' });
  return port;
}
