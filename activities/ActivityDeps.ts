import { createPluginDeps, type PluginDeps } from '../plugins/PluginDeps.ts';
import type { Logger } from '../runtime/logger.ts';
import type { ServiceUrls } from '../runtime/serviceUrls.ts';

/**
 * What activities are built from: the same injected dependencies plugin steps get (logger, service URLs, lazily
 * opened PostgreSQL pools, Redis, RabbitMQ), so built-in activities and plugins are wired alike. `postgres()`
 * without a URL is the control database (DATABASE_URL), where dbarch keeps its own tables in schema `dbarch`.
 */
export type ActivityDeps = PluginDeps;

export function createActivityDeps(urls: ServiceUrls, log: Logger): ActivityDeps {
  return createPluginDeps(urls, log);
}

export async function closeActivityDeps(deps: ActivityDeps): Promise<void> {
  await deps.close();
}
