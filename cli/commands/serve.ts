import { createApiServer } from '../../gateway/http/createApiServer.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { loadPluginRegistry } from '../../plugins/loadPluginRegistry.ts';
import { defaultTaskQueue } from '../../worker.ts';
import { connectTemporal } from '../connectTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';

const help = `Usage: dbarch serve <spec> [--port 8081] [--host 127.0.0.1]

Serves the HTTP API (docs/api.md): GET /api/v1/health, POST /api/v1/migrations. Every request but health needs
\`Authorization: Bearer <DBARCH_API_TOKEN>\`. Stops on SIGINT/SIGTERM.`;

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
  const token = process.env.DBARCH_API_TOKEN;
  if (!token) throw new DbarchError('DBA_USAGE', 'DBARCH_API_TOKEN is not set', { hint: 'Set DBARCH_API_TOKEN to the bearer token clients must send.' });
  const specPath = positionals[0] ?? 'specs/platform.yaml';
  const temporal = await connectTemporal();
  const server = createApiServer({ client: temporal.client, specPath, taskQueue: process.env.DBARCH_TASK_QUEUE || defaultTaskQueue, registry: await loadPluginRegistry(), token });
  await new Promise<void>((listening) => server.listen(Number(values.port), values.host, listening));
  const address = server.address();
  console.log(`dbarch API listening on http://${values.host}:${typeof address === 'object' && address ? address.port : values.port}`);
  await new Promise<void>((stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await new Promise<void>((closed) => server.close(() => closed()));
  await temporal.close();
  return exitCodes.ok;
}
