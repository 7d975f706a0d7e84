import pg from 'pg';
import { managedCluster, type ManagedMember } from '../activities/cluster/ManagedCluster.ts';
import { readClusterStatus, type ClusterMemberView, type ClusterStatus } from '../activities/cluster/readClusterStatus.ts';
import { readTopology } from '../activities/topology/readTopology.ts';
import type { ClusterTopology } from '../activities/topology/ClusterTopology.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { resolveEnvReferences } from '../compiler/grammar/envReference.ts';
import { parseDuration } from '../compiler/grammar/parseDuration.ts';
import { planningError } from './planningError.ts';

/** The seed's "Health Check API" answer (GET /api/v1/health). */
export interface SeedHealth {
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  readonly checks: readonly (
    | { readonly name: string; readonly status: 'up' | 'down'; readonly latency_ms: number }
    | { readonly name: string; readonly status: 'up' | 'down' | 'lagging'; readonly latency_ms: number; readonly replication_lag_ms: number | null }
    | { readonly name: 'connection_pool'; readonly status: 'healthy' | 'saturated'; readonly active: number; readonly idle: number; readonly max: number }
  )[];
}

export interface HealthSnapshot {
  readonly cluster: string;
  readonly status: ClusterStatus;
  /** The published topology (managed clusters), so a primary that is not the published one is not offered. */
  readonly topology: ClusterTopology | undefined;
  readonly checkedAt: number;
}

export interface ClusterHealthOptions {
  readonly specPath: string;
  /** The control database (published topology; its pool is the connection_pool the seed's answer reports). */
  readonly controlUrl: string;
  readonly poolMax?: number;
}

interface Target {
  readonly cluster: string;
  readonly members: readonly (ManagedMember & { url?: string })[];
  readonly managed: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly maxLagMs: number;
}

/**
 * Health of the spec's database clusters for the control-plane API: the cluster is the first managed one (or the
 * first cluster, checked through its connection references). Checks run at most once per the spec's
 * service_mesh health_check interval (the mesh service tied to the cluster; 5 s otherwise), each bounded by its
 * timeout (1 s otherwise); concurrent requests share one round. The pool reported as `connection_pool` is the
 * API process's own pool on the control database, the one the topology is read through.
 */
export class ClusterHealth {
  readonly pool: pg.Pool;
  readonly #options: ClusterHealthOptions;
  #target: Promise<Target> | undefined;
  #last: HealthSnapshot | undefined;
  #inflight: Promise<HealthSnapshot> | undefined;

  constructor(options: ClusterHealthOptions) {
    this.#options = options;
    this.pool = new pg.Pool({ connectionString: options.controlUrl, max: options.poolMax ?? 4, idleTimeoutMillis: 10_000, application_name: 'dbarch:api' });
    this.pool.on('error', () => undefined);
  }

  /** The latest check round, fresh when the last is older than the interval (or `fresh` asks for one). */
  async snapshot(fresh = false): Promise<HealthSnapshot> {
    const target = await this.target();
    if (!fresh && this.#last !== undefined && Date.now() - this.#last.checkedAt < target.intervalMs) return this.#last;
    this.#inflight ??= (async () => {
      try {
        const [status, topology] = await Promise.all([
          readClusterStatus({ name: target.cluster, members: target.members }, target.timeoutMs),
          target.managed ? readTopology(this.pool, target.cluster).catch(() => undefined) : Promise.resolve(undefined),
        ]);
        this.#last = { cluster: target.cluster, status, topology, checkedAt: Date.now() };
        return this.#last;
      } finally {
        this.#inflight = undefined;
      }
    })();
    return this.#inflight;
  }

  /** GET /api/v1/health. */
  async seedHealth(fresh = false): Promise<SeedHealth> {
    const [snapshot, target] = await Promise.all([this.snapshot(fresh), this.target()]);
    const primaryName = this.livePrimary(snapshot);
    const primary = snapshot.status.members.find((m) => m.member === primaryName);
    const replicas = snapshot.status.members.filter((m) => m.member !== primaryName);
    const checks: SeedHealth['checks'][number][] = [{ name: 'primary_database', status: primary?.reachable === true ? 'up' : 'down', latency_ms: primary?.latencyMs ?? 0 }];
    replicas.forEach((r, i) => {
      // A standby the primary does not list (it follows nobody, or a former primary) falls behind unseen: lagging.
      const detached = primary?.reachable === true && r.syncState === null && (r.lagBytes ?? 0) > 0;
      const status = !r.reachable || r.role !== 'standby' ? 'down' : (r.replayLagMs ?? 0) > target.maxLagMs || detached ? 'lagging' : 'up';
      checks.push({ name: `replica_${i + 1}`, status, latency_ms: r.latencyMs, replication_lag_ms: r.replayLagMs });
    });
    const max = this.pool.options.max ?? 10;
    const idle = this.pool.idleCount;
    const active = this.pool.totalCount - idle;
    checks.push({ name: 'connection_pool', status: active >= max && this.pool.waitingCount > 0 ? 'saturated' : 'healthy', active, idle, max });
    const status = primary?.reachable !== true ? 'unhealthy' : checks.some((c) => c.status !== 'up' && c.status !== 'healthy') ? 'degraded' : 'healthy';
    return { status, checks };
  }

  /** The member that is a running primary and, for a managed cluster with a published topology, the published one. */
  livePrimary(snapshot: HealthSnapshot): string | undefined {
    const running = snapshot.status.primaries;
    if (running.length === 0) return undefined;
    if (snapshot.topology !== undefined) return running.includes(snapshot.topology.primary.member) ? snapshot.topology.primary.member : undefined;
    return running.length === 1 ? running[0] : undefined;
  }

  /** Replicas that stream (from the primary, when one is up) and whose lag is within the bounds (bytes and/or ms). */
  healthyReplicas(snapshot: HealthSnapshot, bounds: { maxBytes?: number; maxMs?: number }): ClusterMemberView[] {
    const primaryUp = snapshot.status.primary !== null;
    return snapshot.status.members.filter((m) =>
      m.reachable && m.role === 'standby' && (!primaryUp || m.syncState !== null)
      && (bounds.maxBytes === undefined || (m.lagBytes !== null && m.lagBytes <= bounds.maxBytes))
      && (bounds.maxMs === undefined || (m.replayLagMs !== null && m.replayLagMs <= bounds.maxMs)));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  target(): Promise<Target> {
    this.#target ??= loadTarget(this.#options.specPath);
    this.#target.catch(() => (this.#target = undefined));
    return this.#target;
  }
}

async function loadTarget(specPath: string): Promise<Target> {
  const compiled = await compileSpec([specPath]);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${specPath} is not a valid spec`, compiled.errors);
  const spec = compiled.spec;
  const clusters = spec.clusters ?? [];
  const chosen = clusters.find((c) => c.members !== undefined) ?? clusters[0];
  if (chosen === undefined) {
    return { cluster: 'default', members: [urlMember('primary', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')], managed: false, ...healthTimings(spec, undefined) };
  }
  if (chosen.members !== undefined) {
    const cluster = managedCluster(clusters, chosen.name);
    return { cluster: cluster.name, members: cluster.members, managed: true, ...healthTimings(spec, cluster.name) };
  }
  const refs = [chosen.primary ?? [], chosen.replicas ?? []].flat();
  return { cluster: chosen.name, members: refs.map((ref, i) => urlMember(i === 0 ? 'primary' : `replica_${i}`, resolved(ref))), managed: false, ...healthTimings(spec, chosen.name) };
}

function resolved(reference: string): string {
  const r = resolveEnvReferences(reference, process.env);
  return r.ok ? r.value : reference;
}

function urlMember(name: string, url: string): ManagedMember & { url: string } {
  const parsed = new URL(url);
  return { name, host: parsed.hostname, port: Number(parsed.port || 5432), url };
}

/** interval, timeout and max_replication_lag of the mesh service tied to the cluster (the first with a health_check). */
function healthTimings(spec: CompiledSpec, cluster: string | undefined): { intervalMs: number; timeoutMs: number; maxLagMs: number } {
  const services = spec.service_mesh?.database_services ?? [];
  const hc = (services.find((s) => s.cluster === cluster && s.health_check !== undefined) ?? services.find((s) => s.health_check !== undefined))?.health_check;
  const ms = (value: string | number | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    return parsed.ok ? parsed.value : fallback;
  };
  return { intervalMs: ms(hc?.interval, 5000), timeoutMs: ms(hc?.timeout, 1000), maxLagMs: ms(hc?.max_replication_lag, 10_000) };
}
