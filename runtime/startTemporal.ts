import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { DbarchError } from '../errors/DbarchError.ts';
import { dbarchSearchAttributes } from '../workflows/searchAttributes.ts';
import { dbarchDataConverter } from './codec/dbarchDataConverter.ts';
import { findTemporalCli } from './findTemporalCli.ts';
import type { TemporalSettings } from './temporalSettings.ts';

/** A live Temporal: clients for starting workflows and the native connection workers poll on. */
export interface TemporalHandle {
  readonly address: string;
  readonly namespace: string;
  readonly embedded: boolean;
  /** Base URL of the Web UI, when there is one. */
  readonly uiUrl?: string;
  /** Clients built from this handle encrypt payloads with it (DBARCH_PAYLOAD_KEYS); workers must use the same. */
  readonly dataConverter: DataConverter | undefined;
  readonly client: Client;
  readonly connection: Connection;
  readonly nativeConnection: NativeConnection;
  /** Closes connections and, if embedded, stops the server (its SQLite file stays). */
  close(): Promise<void>;
}

export interface StartTemporalOptions {
  progress?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Dynamic config of the embedded server, for step latency (measured in bench/interpreter.ts): an activity the
 * workflow schedules comes back to the worker in the reply to the workflow task (eager execution; the SDK asks for
 * it by default), and the single history shard reads its transfer queue as fast as tasks arrive instead of at most
 * 20 times a second, which alone cost ~50 ms per activity. docs/operations/workers-and-dev.md has them for clusters.
 */
export const embeddedServerDynamicConfig = {
  'system.enableActivityEagerExecution': true,
  'history.transferProcessorMaxPollRPS': 1000,
} as const;

/** Connects to an existing cluster, or starts the embedded dev server through the SDK's ephemeral server. */
export async function startTemporal(settings: TemporalSettings, options: StartTemporalOptions = {}): Promise<TemporalHandle> {
  const dataConverter = dbarchDataConverter(options.env ?? process.env);
  if (settings.kind === 'external') return connectExternal(settings, dataConverter);

  const executable = await findTemporalCli({ env: options.env, progress: options.progress });
  let environment: TestWorkflowEnvironment;
  try {
    environment = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        ip: settings.ip,
        port: settings.port,
        ui: settings.uiPort !== undefined,
        uiPort: settings.uiPort,
        dbFilename: settings.dbFile,
        namespace: settings.namespace,
        searchAttributes: Object.values(dbarchSearchAttributes),
        extraArgs: Object.entries(embeddedServerDynamicConfig).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
        log: { format: 'json', level: 'error' },
      },
    });
  } catch (error) {
    const where = settings.port === undefined ? settings.ip : `${settings.ip}:${settings.port}`;
    throw new DbarchError('DBA_TEMPORAL_UNREACHABLE', `The embedded Temporal server did not start on ${where}: ${(error as Error).message}`, {
      hint: 'Another dbarch dev (or temporal server) may hold the port: stop it, or set DBARCH_TEMPORAL_PORT and DBARCH_TEMPORAL_UI_PORT.',
      cause: error,
    });
  }
  return {
    address: environment.address,
    namespace: settings.namespace,
    embedded: true,
    uiUrl: settings.uiPort === undefined ? undefined : `http://${settings.ip}:${settings.uiPort}`,
    dataConverter,
    client: new Client({ connection: environment.connection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}) }),
    connection: environment.connection,
    nativeConnection: environment.nativeConnection,
    close: () => environment.teardown(),
  };
}

async function connectExternal(settings: Extract<TemporalSettings, { kind: 'external' }>, dataConverter: DataConverter | undefined): Promise<TemporalHandle> {
  const common = { address: settings.address, tls: settings.tls, apiKey: settings.apiKey };
  try {
    const connection = await Connection.connect(common);
    const nativeConnection = await NativeConnection.connect(common);
    const client = new Client({ connection, namespace: settings.namespace, ...(dataConverter ? { dataConverter } : {}) });
    return {
      dataConverter,
      address: settings.address,
      namespace: settings.namespace,
      embedded: false,
      uiUrl: settings.uiUrl,
      client,
      connection,
      nativeConnection,
      async close() {
        await nativeConnection.close();
        await connection.close();
      },
    };
  } catch (error) {
    throw new DbarchError('DBA_TEMPORAL_UNREACHABLE', `Could not connect to Temporal at ${settings.address}: ${(error as Error).message}`, { cause: error });
  }
}

/** The UI page of one workflow. */
export function workflowUiUrl(handle: Pick<TemporalHandle, 'uiUrl' | 'namespace'>, workflowId: string): string | undefined {
  if (!handle.uiUrl) return undefined;
  return `${handle.uiUrl}/namespaces/${encodeURIComponent(handle.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
