import path from 'node:path';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import type { ClusterSpec } from '../../compiler/sections/clusters/schema.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ClusterAudit } from '../audit/clusterAuditOf.ts';

export interface ManagedMember {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export type ReplicationMode = 'async' | 'sync' | 'strict';

/** A managed cluster as the engine works with it: the spec's members and replication, the data directory resolved. */
export interface ManagedCluster {
  readonly name: string;
  readonly databases: readonly string[];
  /** In spec order; the first is the initial primary. */
  readonly members: readonly ManagedMember[];
  readonly mode: ReplicationMode;
  readonly synchronous: { readonly method: 'ANY' | 'FIRST'; readonly count: number };
  /** Absolute; each member lives in `<dataDirectory>/<cluster>/<member>`. */
  readonly dataDirectory: string;
  /** security_config.audit_logging when enabled: pgaudit and jsonlog on every member (clusterAuditOf). */
  readonly audit?: ClusterAudit;
}

/**
 * The managed cluster `name` of a compiled spec's clusters, with env references in its data directory resolved
 * here (on the machine that provisions). DBA_CLUSTER_UNKNOWN when there is no such cluster or it has no members.
 */
export function managedCluster(clusters: DeepReadonly<ClusterSpec[]> | undefined, name: string, env: NodeJS.ProcessEnv = process.env): ManagedCluster {
  const managed = (clusters ?? []).filter((c) => c.members !== undefined);
  const cluster = managed.find((c) => c.name === name);
  if (cluster?.members === undefined) {
    throw new DbarchError('DBA_CLUSTER_UNKNOWN', `the spec has no managed cluster named ${name}`, {
      hint: managed.length === 0 ? 'add `members` to a cluster in `clusters[]`' : `managed clusters: ${managed.map((c) => c.name).join(', ')}`,
      details: { cluster: name },
    });
  }
  const reference = cluster.data_directory ?? '${DBARCH_CLUSTER_DIR:-/var/lib/dbarch/clusters}';
  const resolved = resolveEnvReferences(reference, env);
  if (!resolved.ok) throw new DbarchError('DBA_CLUSTER_UNKNOWN', `data_directory of cluster ${name} (${reference}): ${resolved.message}`, resolved.hint === undefined ? {} : { hint: resolved.hint });
  return {
    name: cluster.name,
    databases: [...cluster.databases],
    members: cluster.members.map((m) => ({ name: m.name, host: m.host, port: m.port })),
    mode: cluster.replication?.mode ?? 'async',
    synchronous: { method: cluster.replication?.synchronous?.method ?? 'ANY', count: cluster.replication?.synchronous?.count ?? 1 },
    dataDirectory: path.resolve(resolved.value),
  };
}
