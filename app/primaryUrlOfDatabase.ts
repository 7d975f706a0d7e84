import { resolveConnectionUrl } from '../activities/postgres/resolveConnectionUrl.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { serviceUrls } from '../runtime/serviceUrls.ts';

/**
 * Where a section that names a database (cache_config, queue_config.outbox) connects: the primary of the cluster
 * it names, or else of the cluster serving that database, or DATABASE_URL when the spec declares no such cluster;
 * with the database in the path. References are resolved from `env`, on this machine.
 */
export function primaryUrlOfDatabase(spec: CompiledSpec, database: string, clusterName: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const cluster = (spec.clusters ?? []).find((c) => (clusterName === undefined ? c.databases.includes(database) : c.name === clusterName));
  return resolveConnectionUrl({ ...(cluster === undefined ? {} : { connection: cluster.primary }), database }, serviceUrls(env).postgres, env);
}
