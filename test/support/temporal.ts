import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Worker } from '@temporalio/worker';
import type { PluginEntry } from '../../plugins/loadPlugins.ts';
import { closeActivityDeps, createActivityDeps, type ActivityDeps } from '../../activities/ActivityDeps.ts';
import { createActivities } from '../../plugins/createActivities.ts';
import { createLogger, type Logger } from '../../runtime/logger.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import { startTemporal, type TemporalHandle } from '../../runtime/startTemporal.ts';
import { temporalSettingsFromEnv } from '../../runtime/temporalSettings.ts';
import { createDbarchWorker } from '../../worker.ts';
import { testLogFile } from './testLogFile.ts';

/**
 * The test run's logger (workers, activities, the SDK through installTemporalLogging): JSON lines in the run's log
 * file, which the reporter prints from only for failing tests. Written synchronously so that a failing test's
 * lines are in the file when the reporter reads it. Level DBARCH_TEST_LOG_LEVEL, default info.
 */
export const testLog: Logger = createLogger({
  name: 'dbarch-test',
  level: process.env.DBARCH_TEST_LOG_LEVEL ?? 'info',
  destination: pino.destination({ dest: testLogFile(), sync: true, append: true }),
});

let shared: Promise<TemporalHandle> | undefined;

/**
 * One Temporal server for the whole run: TEMPORAL_ADDRESS when set, else the embedded dev server on a free
 * port, in memory. Started on first use so suites without workflows do not pay for it.
 */
export function sharedTemporal(): Promise<TemporalHandle> {
  shared ??= (async () => {
    const settings = temporalSettingsFromEnv(process.env, '/nonexistent');
    const embedded = settings.kind === 'embedded' ? { ...settings, port: undefined, uiPort: undefined, dbFile: undefined } : settings;
    return startTemporal(embedded);
  })();
  return shared;
}

export async function stopSharedTemporal(): Promise<void> {
  if (!shared) return;
  const handle = await shared;
  shared = undefined;
  await handle.close();
}

/** A task queue no other test polls. */
export function uniqueTaskQueue(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

export interface TestWorkerOptions {
  readonly taskQueue: string;
  /** External plugins whose steps the worker registers, as DBARCH_PLUGINS would load them. */
  readonly plugins?: readonly PluginEntry[];
  /** Extra or replacement activities, merged over the built-in ones. */
  readonly activities?: (deps: ActivityDeps) => object;
}

/** Runs a worker with the built-in activities (plus any given) while `fn` runs, then shuts it down. */
export async function withWorker<T>(options: TestWorkerOptions, fn: (worker: Worker) => Promise<T>): Promise<T> {
  const temporal = await sharedTemporal();
  const deps = createActivityDeps(serviceUrls(), testLog);
  try {
    const worker = await createDbarchWorker({
      connection: temporal.nativeConnection,
      namespace: temporal.namespace,
      taskQueue: options.taskQueue,
      activities: { ...createActivities(deps, options.plugins), ...options.activities?.(deps) },
      log: testLog,
    });
    return await worker.runUntil(fn(worker));
  } finally {
    await closeActivityDeps(deps);
  }
}
