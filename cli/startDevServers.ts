import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createApiServer } from '../api/createApiServer.ts';
import { startExporter } from '../activities/monitoring/startExporter.ts';
import { exporterSourcesOfSpec } from '../app/exporterSourcesOfSpec.ts';
import { monitoringSections } from '../app/monitoringSections.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { exporterOptions } from '../plugins/monitoring/exporterOptions.ts';
import type { Logger } from '../runtime/logger.ts';

export interface DevServerOptions {
  readonly specPath: string;
  readonly client: Client;
  readonly taskQueue: string;
  readonly registry: PluginRegistry;
  readonly logger: Logger;
  readonly uiUrl: string | undefined;
  readonly apiPort: number;
  /** Overrides the spec's exporter port (DBARCH_EXPORTER_PORT), e.g. when 9187 is taken. */
  readonly exporterPort: number | undefined;
  readonly apiToken: string | undefined;
  readonly alertmanagerUrl: string | undefined;
  readonly print: (line: string) => void;
}

/**
 * What `dbarch dev` serves besides the worker: the spec's Prometheus exporter and the control-plane API with the
 * status page, as `dbarch exporter` and `dbarch serve` would. A port that is taken is reported and that server
 * skipped: dev still does its main job. Without DBARCH_API_TOKEN a token is made up for this run and printed.
 */
export async function startDevServers(options: DevServerOptions): Promise<() => Promise<void>> {
  const closers: (() => Promise<void>)[] = [];
  const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
  try {
    const spec = exporterOptions(await monitoringSections([options.specPath]));
    const sources = await exporterSourcesOfSpec([options.specPath], { temporal: options.client, timeoutMs: 5000 });
    const exporter = await startExporter({ ...spec, sources, port: options.exporterPort ?? spec.port, scrapeTimeoutMs: 5000, onProblem: (problem) => options.logger.warn({ code: problem.code }, problem.message) });
    closers.push(() => exporter.close());
    options.print(`✓ exporter ${exporter.url}`);
  } catch (error) {
    options.print(`! exporter not started: ${why(error)} (set DBARCH_EXPORTER_PORT)`);
  }
  const token = options.apiToken ?? randomBytes(18).toString('base64url');
  const api = createApiServer({
    client: options.client, specPath: options.specPath, taskQueue: options.taskQueue, registry: options.registry, token, logger: options.logger,
    ...(options.uiUrl ? { uiUrl: options.uiUrl, uiOrigin: new URL(options.uiUrl).origin } : {}),
    ...(options.alertmanagerUrl ? { alertmanagerUrl: options.alertmanagerUrl } : {}),
  });
  try {
    const url = await api.listen({ port: options.apiPort, host: '127.0.0.1' });
    closers.push(() => api.close());
    options.print(`✓ api      ${url} (status page at /; bearer token ${options.apiToken ? 'from DBARCH_API_TOKEN' : `${token}, made up for this run`})`);
  } catch (error) {
    options.print(`! api not started on 127.0.0.1:${options.apiPort}: ${why(error)} (set DBARCH_API_PORT)`);
    await api.close();
  }
  return async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
}
