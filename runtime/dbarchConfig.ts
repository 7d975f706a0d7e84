/** The task queue dbarch workers poll and started workflows use unless DBARCH_TASK_QUEUE says otherwise. */
export const defaultTaskQueue = 'dbarch';

/** dbarch's own settings (the configuration table in the README), typed. Service URLs and Temporal have their own readers. */
export interface DbarchConfig {
  /** DBARCH_TASK_QUEUE: the queue workers poll and workflows are started on. */
  readonly taskQueue: string;
  /** DBARCH_PG_BINDIR: where pg_dump, pg_restore and psql are found; undefined: PATH. */
  readonly pgBinDir: string | undefined;
  /** DBARCH_API_TOKEN: the bearer token `dbarch serve` requires; undefined: not set (serve refuses to start). */
  readonly apiToken: string | undefined;
  /** DBARCH_DEBUG=1: error output adds stack traces. */
  readonly debug: boolean;
  /** DBARCH_ALERTMANAGER_URL: the Alertmanager whose firing alerts the status page shows; undefined: none. */
  readonly alertmanagerUrl: string | undefined;
}

/**
 * Reads the settings from the environment into a frozen object. Call it once where a process or verb starts and
 * pass the values down; it is not cached, so a test that sets a variable and reads again sees the new value.
 * An empty variable counts as unset (as `FOO= dbarch …` means in a shell).
 */
export function dbarchConfig(env: NodeJS.ProcessEnv = process.env): DbarchConfig {
  return Object.freeze({
    taskQueue: env.DBARCH_TASK_QUEUE || defaultTaskQueue,
    pgBinDir: env.DBARCH_PG_BINDIR || undefined,
    apiToken: env.DBARCH_API_TOKEN || undefined,
    debug: env.DBARCH_DEBUG === '1',
    alertmanagerUrl: env.DBARCH_ALERTMANAGER_URL || undefined,
  });
}
