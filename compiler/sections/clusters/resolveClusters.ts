import { memberUrl } from './memberUrl.ts';
import type { Clusters } from './schema.ts';

/**
 * A managed cluster gets `primary` and `replicas` derived from its members (the first is the initial primary),
 * so every reader of a cluster's URLs keeps working. They name the *initial* roles; the live primary after a
 * failover is in the published topology (activities/topology/), which the data plane and failover read.
 */
export function resolveClusters(clusters: Clusters): Clusters {
  return clusters.map((cluster) => {
    const [first, ...rest] = cluster.members ?? [];
    if (first === undefined) return cluster;
    return { ...cluster, primary: memberUrl(first), replicas: rest.map((m) => memberUrl(m)) };
  });
}
