import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serviceUrls } from '../../runtime/serviceUrls.ts';
import type { DatabaseClientOptions } from './DatabaseClientOptions.ts';
import type { DataPlaneTarget, TargetEndpoint } from './DataPlaneTarget.ts';
import { resolveClientTls } from './resolveClientTls.ts';

type MeshService = NonNullable<CompiledSpec['service_mesh']>['database_services'][number];
type Route = NonNullable<CompiledSpec['gateway_config']>['database_routing'][number];

/**
 * The spec read for the data plane. Endpoints: the named mesh service's and those of every mesh service of the
 * same cluster (services naming no cluster form one group), since the seed names `postgres-primary` and expects
 * reads to reach `postgres-replicas`; for a route, the mesh services of its cluster, else the cluster's own URLs.
 * Which endpoint is the primary is not taken from the spec: the client asks each server, and for a cluster
 * dbarch manages it also follows the published topology, which has the last word.
 */
export function resolveTarget(options: DatabaseClientOptions): DataPlaneTarget {
  const { spec } = options;
  const env = options.env ?? process.env;
  const services = spec.service_mesh?.database_services ?? [];
  const route = options.route === undefined ? undefined : findRoute(spec, options.route);
  let group: readonly MeshService[];
  let clusterName: string | undefined;
  if (options.serviceName !== undefined) {
    const service = services.find((s) => s.name === options.serviceName);
    if (service === undefined) {
      throw new DbarchError('DBA_CLIENT_CONFIG', `no service_mesh.database_services entry named \`${options.serviceName}\``, {
        hint: services.length > 0 ? `Services in the spec: ${services.map((s) => s.name).join(', ')}.` : 'Add a service_mesh section listing the database services.',
      });
    }
    clusterName = service.cluster;
    group = [service, ...services.filter((s) => s !== service && s.cluster === service.cluster)];
  } else if (route !== undefined) {
    clusterName = route.cluster ?? spec.clusters?.find((c) => c.databases.includes(route.database))?.name;
    group = services.filter((s) => s.cluster === clusterName);
  } else {
    throw new DbarchError('DBA_CLIENT_CONFIG', 'a DatabaseClient needs a serviceName or a route');
  }
  const cluster = clusterName === undefined ? undefined : spec.clusters?.find((c) => c.name === clusterName);
  const credentials = parseUrl(resolveReference(options.connection ?? cluster?.primary ?? serviceUrls(env).postgres, env));

  let endpoints = dedupe(group.flatMap((s) => s.endpoints.map((e) => ({ host: e.host, port: e.port, weight: e.weight ?? 1 }))));
  if (endpoints.length === 0 && cluster !== undefined) {
    // The compiled spec always has `primary` (derived from `members` for a managed cluster).
    endpoints = dedupe([cluster.primary ?? [], cluster.replicas ?? []].flat().map((ref) => {
      const url = parseUrl(resolveReference(ref, env));
      return { host: url.hostname, port: Number(url.port || 5432), weight: 1 };
    }));
  }
  const members = new Map((cluster?.members ?? []).map((m) => [`${m.host}:${m.port}`, m.name]));
  if (members.size > 0) endpoints = endpoints.map((e) => ({ ...e, member: members.get(`${e.host}:${e.port}`) }));
  const controlUrl = options.controlUrl === undefined ? serviceUrls(env).postgres : options.controlUrl;
  const published = members.size > 0 && controlUrl !== null && cluster !== undefined ? { controlUrl, cluster: cluster.name } : undefined;
  if (endpoints.length === 0) {
    throw new DbarchError('DBA_CLIENT_CONFIG', `no endpoints for ${route ? `route \`${route.service}\`` : `service \`${options.serviceName}\``}`, {
      hint: 'List the servers under service_mesh.database_services (with the route\'s cluster), or give the cluster primary and replica URLs.',
    });
  }

  const health = group.find((s) => s.health_check !== undefined)?.health_check;
  const pool = route?.connection_pool;
  const max = options.connectionPoolSize ?? pool?.max ?? 10;
  const statementTimeoutMs = options.timeout ?? optionalMs(route?.query_timeout);
  return {
    name: route?.service ?? options.serviceName ?? 'default',
    endpoints,
    published,
    database: options.database ?? route?.database ?? (decodeURIComponent(credentials.pathname.slice(1)) || 'postgres'),
    user: decodeURIComponent(credentials.username) || 'postgres',
    password: credentials.password === '' ? undefined : decodeURIComponent(credentials.password),
    pool: {
      max,
      min: Math.min(pool?.min ?? 0, max),
      idleTimeoutMs: optionalMs(pool?.idle_timeout) ?? 30_000,
      acquireTimeoutMs: options.acquireTimeout ?? optionalMs(pool?.acquire_timeout) ?? options.timeout ?? 5000,
    },
    statementTimeoutMs,
    connectTimeoutMs: optionalMs(health?.timeout) ?? 3000,
    ssl: resolveClientTls(spec, options.tls, env),
    readPreference: options.readPreference ?? route?.read_preference ?? 'primary',
    health: {
      intervalMs: options.probeInterval ?? optionalMs(health?.interval) ?? 10_000,
      timeoutMs: optionalMs(health?.timeout) ?? 3000,
      unhealthyThreshold: health?.unhealthy_threshold ?? 3,
      healthyThreshold: health?.healthy_threshold ?? 2,
      maxReplicationLagMs: options.maxReplicationLag ?? optionalMs(health?.max_replication_lag) ?? 10_000,
    },
  };
}

function findRoute(spec: CompiledSpec, service: string): Route {
  const routes = spec.gateway_config?.database_routing ?? [];
  const route = routes.find((r) => r.service === service);
  if (route === undefined) {
    throw new DbarchError('DBA_CLIENT_CONFIG', `no gateway_config.database_routing route for service \`${service}\``, {
      hint: routes.length > 0 ? `Routes in the spec: ${routes.map((r) => r.service).join(', ')}.` : 'Add a gateway_config section with database_routing.',
    });
  }
  return route;
}

function resolveReference(reference: string, env: NodeJS.ProcessEnv): string {
  const resolved = resolveEnvReferences(reference, env);
  if (!resolved.ok) throw new DbarchError('DBA_CLIENT_CONFIG', `connection ${reference}: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
  return resolved.value;
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new DbarchError('DBA_CLIENT_CONFIG', 'a connection reference does not resolve to a postgres:// URL');
  }
}

/** Spec durations were validated by the compiler; undefined stays undefined. */
function optionalMs(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.value : undefined;
}

function dedupe(endpoints: TargetEndpoint[]): TargetEndpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => {
    const key = `${e.host}:${e.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
