import type { ClusterAudit } from '../audit/clusterAuditOf.ts';
/** One server of a managed cluster, as the failover engine needs it. */
export interface FailoverMember {
  /** Its application_name and the name of its replication slot on whichever member is primary. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Its data directory when it runs on this machine (then fencing can stop it with pg_ctl). */
  readonly dataDir?: string;
}

export type ReplicationMode = 'async' | 'sync' | 'strict';

/** How the monitor decides that a primary failed: the spec's service_mesh health_check of the cluster. */
export interface HealthSettings {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Failed checks in a row before the primary counts as failed. */
  readonly unhealthyThreshold: number;
}

/**
 * A managed cluster as the failover engine sees it: plain JSON, so it travels in workflow inputs and step inputs.
 * `controlUrl` is the control database holding the published topology (default: the worker's DATABASE_URL).
 */
export interface FailoverCluster {
  readonly name: string;
  readonly members: readonly FailoverMember[];
  readonly replication: { readonly mode: ReplicationMode; readonly method: 'ANY' | 'FIRST'; readonly count: number };
  readonly health: HealthSettings;
  readonly controlUrl?: string;
  /** clusters[].data_directory as written (a reference, resolved on the worker): where rejoin finds the members. */
  readonly dataDirectory?: string;
  /** security_config.audit_logging's classes, so a member rejoined by the monitor keeps pgaudit and jsonlog. */
  readonly audit?: ClusterAudit;
}

/** The spec's defaults when a cluster's service has no health_check: fast enough to fail over within seconds. */
export const defaultHealth: HealthSettings = { intervalMs: 500, timeoutMs: 300, unhealthyThreshold: 3 };
