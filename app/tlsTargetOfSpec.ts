import type { ManagedCluster } from '../activities/cluster/ManagedCluster.ts';
import { clusterTlsOfSpec, type ClusterTls } from '../activities/tls/ClusterTls.ts';
import type { CompiledSpec } from '../compiler/CompiledSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { managedClusterOfSpec } from './managedClusterOfSpec.ts';

/** A spec's managed cluster and the TLS it asks for; DBA_TLS_NOT_CONFIGURED when it names no internal CA. */
export async function tlsTargetOfSpec(paths: readonly string[], clusterName: string): Promise<{ spec: CompiledSpec; cluster: ManagedCluster; tls: ClusterTls }> {
  const { spec, cluster } = await managedClusterOfSpec(paths, clusterName);
  const tls = clusterTlsOfSpec(spec);
  if (tls === undefined) throw new DbarchError('DBA_TLS_NOT_CONFIGURED', `${paths.join(', ')} names no internal CA (security_config.encryption.in_transit.internal_ca): dbarch configures no TLS for ${cluster.name}`);
  return { spec, cluster, tls };
}
