import { pathToFileURL } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { closeActivityDeps, createActivityDeps } from './activities/ActivityDeps.ts';
import { ensureDbarchSchema } from './activities/schema/ensureDbarchSchema.ts';
import { createActivities } from './plugins/createActivities.ts';
import { ActivityErrorBoundary } from './runtime/activityErrorBoundary.ts';
import { dbarchDataConverter } from './runtime/codec/dbarchDataConverter.ts';
import { ensureSearchAttributesForWorker } from './runtime/ensureSearchAttributes.ts';
import { loadPlugins } from './plugins/loadPlugins.ts';
import { installTemporalLogging } from './runtime/installTemporalLogging.ts';
import { dbarchConfig } from './runtime/dbarchConfig.ts';
import { createLogger, type Logger } from './runtime/logger.ts';
import { serviceUrls } from './runtime/serviceUrls.ts';
import { startTemporal } from './runtime/startTemporal.ts';
import { temporalDefaults, temporalSettingsFromEnv } from './runtime/temporalSettings.ts';
import { stateDir } from './runtime/stateDir.ts';
import { workflowBundle } from './runtime/workflowBundle.ts';

export interface DbarchWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly activities: object;
  readonly log: Logger;
  /** Time in-flight activities get to finish on shutdown before they are cancelled and handed back. */
  readonly shutdownGraceTime?: string;
  /** Payload encryption; default the one DBARCH_PAYLOAD_KEYS configures (what this process's clients use too). */
  readonly dataConverter?: DataConverter;
}

/**
 * A worker that runs the bundled workflows and the given activities, behind the coded-error boundary. It first
 * registers dbarch's search attributes where the namespace lacks them (the workflows set them).
 */
export async function createDbarchWorker(options: DbarchWorkerOptions): Promise<Worker> {
  await ensureSearchAttributesForWorker(options.connection, options.namespace, options.log);
  const dataConverter = options.dataConverter ?? dbarchDataConverter();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(options.log, dataConverter?.failureConverterPath),
    activities: options.activities,
    ...withDataConverter(dataConverter),
    interceptors: { activity: [() => ({ inbound: new ActivityErrorBoundary() })] },
    shutdownGraceTime: options.shutdownGraceTime ?? '10s',
  });
}

/**
 * `dbarch worker`: polls the task queue until SIGINT/SIGTERM. Connects to TEMPORAL_ADDRESS, or to the embedded
 * server that `dbarch dev` runs on this machine.
 */
export async function runWorkerProcess(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = createLogger({ name: 'dbarch-worker' });
  installTemporalLogging(log);
  const settings = temporalSettingsFromEnv(
    { ...env, TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS || `${temporalDefaults.ip}:${env.DBARCH_TEMPORAL_PORT || temporalDefaults.port}` },
    stateDir(env),
  );
  const temporal = await startTemporal(settings, { env });
  const deps = createActivityDeps(serviceUrls(env), log);
  const { taskQueue } = dbarchConfig(env);
  try {
    await ensureDbarchSchema('control', deps.urls.postgres, log); // dbarch's own tables, before any step needs them
    const worker = await createDbarchWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue,
      activities: createActivities(deps, await loadPlugins()),
      log,
    });
    log.info({ taskQueue, address: temporal.address, namespace: temporal.namespace }, 'worker started');
    await worker.run(); // resolves after a shutdown signal once in-flight work is done or handed back
    log.info({ taskQueue }, 'worker stopped');
  } finally {
    await closeActivityDeps(deps);
    await temporal.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runWorkerProcess().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

function withDataConverter(dataConverter: DataConverter | undefined): { dataConverter?: DataConverter } {
  return dataConverter === undefined ? {} : { dataConverter };
}
