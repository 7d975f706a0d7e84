import { assertPgauditInstalled } from '../activities/audit/assertPgauditInstalled.ts';
import { clusterAuditOf, type ClusterAudit } from '../activities/audit/clusterAuditOf.ts';
import { managedCluster, type ManagedCluster } from '../activities/cluster/ManagedCluster.ts';
import { stopCluster } from '../activities/cluster/stopCluster.ts';
import { clusterTlsOfSpec } from '../activities/tls/ClusterTls.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { isDbarchError } from '../errors/DbarchError.ts';
import { clusterUp } from './clusterUp.ts';
import { withControlDatabase } from './withControlDatabase.ts';

/**
 * `dbarch dev`'s HA part: `cluster up` for every managed cluster of the spec, members under
 * `$DBARCH_CLUSTER_DIR` (default `<state dir>/clusters`, so each dev state has its own). A cluster that cannot come
 * up (its ports taken, say) is reported and skipped: the rest of the dev stack does not depend on it. Returns a
 * function that stops the clusters it brought up (fast shutdown; the data stays for the next start).
 */
export async function upDevClusters(spec: CompiledSpec, options: { stateDir: string; controlUrl: string; print: (line: string) => void }): Promise<() => Promise<void>> {
  process.env.DBARCH_CLUSTER_DIR ??= `${options.stateDir}/clusters`;
  const up: ManagedCluster[] = [];
  const audit = devAudit(spec, options.print);
  for (const { name } of (spec.clusters ?? []).filter((c) => c.members !== undefined)) {
    try {
      const cluster = { ...managedCluster(spec.clusters, name), ...audit };
      const tls = clusterTlsOfSpec(spec);
      const result = await withControlDatabase((control) => clusterUp(control, cluster, { progress: (m) => options.print(`  cluster ${name}: ${m}`), ...(tls === undefined ? {} : { tls }) }), options.controlUrl);
      up.push(cluster);
      const members = result.members.map((m) => `${m.member} ${m.role}${m.action === 'left' ? '' : ` (${m.action})`}`).join(', ');
      options.print(`✓ cluster  ${name}: ${members}; topology epoch ${result.topology.epoch}, primary ${result.topology.primary.member}`);
    } catch (error) {
      if (!isDbarchError(error)) throw error;
      options.print(`✗ cluster  ${name} is not up: ${error.code}: ${error.message}\n  hint: ${error.hint}`);
    }
  }
  return async () => {
    await Promise.all(up.map((cluster) => stopCluster(cluster).catch(() => undefined)));
  };
}

/**
 * The spec's audit settings for dev's clusters. On a laptop without pgaudit (a Debian package apart from the server)
 * the clusters come up without the audit trail, saying so, rather than not at all: `cluster up` itself refuses.
 */
function devAudit(spec: CompiledSpec, print: (line: string) => void): { audit?: ClusterAudit } {
  const audit = clusterAuditOf(spec.security_config);
  if (audit.audit === undefined) return audit;
  try {
    assertPgauditInstalled();
    return audit;
  } catch (error) {
    if (!isDbarchError(error)) throw error;
    print(`! clusters come up without the audit trail: ${error.code}: ${error.message}\n  hint: ${error.hint}`);
    return {};
  }
}
