import pg from 'pg';
import type { Logger } from '../runtime/logger.ts';
import type { ServiceUrls } from '../runtime/serviceUrls.ts';

/** What activities are built from: injected, so tests and plugins get the same wiring as production. */
export interface ActivityDeps {
  readonly urls: ServiceUrls;
  readonly log: Logger;
  /** A pool on the control database (DATABASE_URL), where dbarch keeps its own tables in schema `dbarch`. */
  readonly controlPool: pg.Pool;
}

export function createActivityDeps(urls: ServiceUrls, log: Logger): ActivityDeps {
  const controlPool = new pg.Pool({
    connectionString: urls.postgres,
    max: 10,
    application_name: 'dbarch:worker',
    // A killed worker's open transaction is rolled back within a second, even during a long statement.
    options: '-c client_connection_check_interval=1000',
  });
  // An idle client losing its server must not crash the worker; the next checkout reconnects.
  controlPool.on('error', (error) => log.warn({ err: error }, 'control pool client error'));
  return { urls, log, controlPool };
}

export async function closeActivityDeps(deps: ActivityDeps): Promise<void> {
  await deps.controlPool.end();
}
