import type { FailoverCluster } from '../activities/failover/FailoverCluster.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { CapabilityCatalog } from '../plan/CapabilityCatalog.ts';
import type { Plan } from '../plan/Plan.ts';
import { failoverClusterOf, managedClusters } from '../plugins/failover/failoverClusterOf.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planningError } from './planningError.ts';

export interface ClusterProcedureRequest {
  readonly paths: readonly string[];
  readonly cluster: string;
  /** Default dbarch/failover. */
  readonly procedure?: string;
  /** Default: the deployment environment on this cluster, else the first declared, else the cluster's name. */
  readonly environment?: string;
  /** A switchover's target member. */
  readonly to?: string;
  /** The control database holding the topology, when not the worker's DATABASE_URL (a reference or a URL). */
  readonly controlUrl?: string;
  readonly registry: CapabilityCatalog;
}

export interface ClusterProcedure {
  readonly cluster: FailoverCluster;
  readonly plan: Plan;
}

/**
 * Plans a failover-capability procedure (dbarch/failover, dbarch/switchover or a fork) for one managed cluster:
 * the failover steps' `cluster` (and a switchover's `to`) are this request's, so the plan, its hash and its approval
 * name exactly the cluster and target acted on. DBA_FAILOVER_INPUT when the cluster is not managed by dbarch.
 */
export async function planClusterProcedure(request: ClusterProcedureRequest): Promise<ClusterProcedure> {
  const compiled = await compileSpec(request.paths, { sections: request.registry.sections() });
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${request.paths.join(', ')} is not a valid spec`, compiled.errors);
  const spec = compiled.spec;
  const found = failoverClusterOf(spec, request.cluster);
  const cluster = found === undefined || request.controlUrl === undefined ? found : { ...found, controlUrl: request.controlUrl };
  if (cluster === undefined) {
    const managed = managedClusters(spec);
    throw new DbarchError('DBA_FAILOVER_INPUT', `the spec has no managed cluster named ${request.cluster}`, {
      hint: managed.length === 0 ? 'add `members` to a cluster in `clusters[]` (docs/operations/cluster.md)' : `managed clusters: ${managed.join(', ')}`,
    });
  }
  if (request.to !== undefined && !cluster.members.some((m) => m.name === request.to)) {
    throw new DbarchError('DBA_FAILOVER_TARGET_INVALID', `${request.to} is not a member of cluster ${cluster.name}`, { hint: `its members: ${cluster.members.map((m) => m.name).join(', ')}` });
  }
  const environments = spec.deployment_config?.environments ?? [];
  const environment = request.environment ?? environments.find((env) => env.cluster === cluster.name)?.name ?? environments[0]?.name ?? cluster.name;
  const registry = request.registry;
  const catalog: CapabilityCatalog = {
    lookup: (uses) => registry.lookup(uses),
    names: () => registry.names(),
    sections: () => registry.sections(),
    // `{{ failover.cluster }}` / `{{ failover.control_url }}` (the DNS step's input) name this cluster too.
    planContext: (s, env) => {
      const context = registry.planContext(s, env);
      return { ...context, settings: { ...context.settings, failover: { ...context.settings.failover, cluster: cluster.name, control_url: cluster.controlUrl ?? null } } };
    },
    procedures: () => registry.procedures(),
    sectionProcedures: (s) => registry.sectionProcedures(s),
    stepDefaults: (s, env) => ({ ...registry.stepDefaults(s, env), failover: { cluster: cluster as never, ...(request.to === undefined ? {} : { to: request.to }) } }),
  };
  const plan = await planOrThrow({ paths: request.paths, environment, procedure: request.procedure ?? 'dbarch/failover', registry: catalog });
  return { cluster, plan };
}
