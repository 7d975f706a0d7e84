import { clusterAuditOf } from '../activities/audit/clusterAuditOf.ts';
import { managedCluster, type ManagedCluster } from '../activities/cluster/ManagedCluster.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { planningError } from './planningError.ts';

/** Compiles the spec and returns its managed cluster `name` (coded errors for an invalid spec or an unknown cluster). */
export async function managedClusterOfSpec(paths: readonly string[], name: string): Promise<{ spec: CompiledSpec; cluster: ManagedCluster }> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not a valid spec`, compiled.errors);
  return { spec: compiled.spec, cluster: { ...managedCluster(compiled.spec.clusters, name), ...clusterAuditOf(compiled.spec.security_config) } };
}
