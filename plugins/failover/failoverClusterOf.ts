import { clusterAuditOf } from '../../activities/audit/clusterAuditOf.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import { defaultHealth, type FailoverCluster, type HealthSettings } from '../../activities/failover/FailoverCluster.ts';

type Sections = Pick<CompiledSpec, 'clusters' | 'service_mesh' | 'failover_procedure'> & Partial<Pick<CompiledSpec, 'security_config'>>;

/** Names of the clusters dbarch manages (those with `members`): the ones a monitor can watch. */
export function managedClusters(sections: Sections): string[] {
  return (sections.clusters ?? []).filter((c) => (c.members?.length ?? 0) > 0).map((c) => c.name);
}

/**
 * The failover engine's view of a managed cluster from the spec: its members (with their data directories under
 * `data_directory/<cluster>/<member>/data`, as activities/cluster/memberPaths.ts lays them out, references resolved on the worker), the replication mode, and the health
 * check of the primary's service_mesh database service (else failover_procedure's detection settings, else the
 * defaults). Undefined when the cluster is not managed.
 */
export function failoverClusterOf(sections: Sections, name: string): FailoverCluster | undefined {
  const cluster = (sections.clusters ?? []).find((c) => c.name === name);
  if (cluster?.members === undefined || cluster.members.length === 0) return undefined;
  const dir = cluster.data_directory ?? '${DBARCH_CLUSTER_DIR:-/var/lib/dbarch/clusters}';
  return {
    name,
    members: cluster.members.map((m) => ({ name: m.name, host: m.host, port: m.port, dataDir: `${dir}/${name}/${m.name}/data` })),
    replication: {
      mode: cluster.replication?.mode ?? 'async',
      method: cluster.replication?.synchronous?.method ?? 'ANY',
      count: cluster.replication?.synchronous?.count ?? 1,
    },
    health: healthOf(sections, name),
    dataDirectory: dir,
    ...clusterAuditOf(sections.security_config),
  };
}

function healthOf(sections: Sections, cluster: string): HealthSettings {
  const services = (sections.service_mesh?.database_services ?? []).filter((s) => s.cluster === cluster && s.health_check !== undefined);
  const check = (services.find((s) => s.role === 'primary') ?? services[0])?.health_check;
  const ms = (value: string | number | undefined) => {
    if (value === undefined) return undefined;
    const parsed = parseDuration(value);
    return parsed.ok ? parsed.value : undefined;
  };
  if (check !== undefined) {
    const intervalMs = ms(check.interval) ?? defaultHealth.intervalMs;
    return { intervalMs, timeoutMs: ms(check.timeout) ?? Math.min(defaultHealth.timeoutMs, intervalMs), unhealthyThreshold: check.unhealthy_threshold ?? defaultHealth.unhealthyThreshold };
  }
  const procedure = sections.failover_procedure;
  const plan = procedure !== undefined && typeof procedure === 'object' && !Array.isArray(procedure) && 'steps' in procedure ? procedure : undefined;
  if (plan !== undefined && (plan.cluster === undefined || plan.cluster === cluster)) {
    const intervalMs = ms(plan.detection_interval) ?? defaultHealth.intervalMs;
    return { intervalMs, timeoutMs: Math.min(defaultHealth.timeoutMs, intervalMs), unhealthyThreshold: plan.failure_threshold ?? defaultHealth.unhealthyThreshold };
  }
  return defaultHealth;
}
