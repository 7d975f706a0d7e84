import type { ConnectionOptions } from 'node:tls';

/** One server the client may connect to, as the spec lists it; its role comes from the server itself. */
export interface TargetEndpoint {
  readonly host: string;
  readonly port: number;
  /** Relative share of replica reads; 0 drains the endpoint. */
  readonly weight: number;
  /** The managed cluster's member at this host and port (clusters[].members), which the published topology names. */
  readonly member?: string;
}

/** Where a managed cluster's published topology is read (activities/topology/): the control database and the cluster. */
export interface PublishedTopologySource {
  readonly controlUrl: string;
  readonly cluster: string;
}

export type ReadPreference = 'primary' | 'replica' | 'nearest';

/**
 * Everything a DatabaseClient needs, resolved from the spec (service_mesh, gateway_config, clusters) and the
 * caller's options: plain values, env references already resolved, durations in milliseconds.
 */
export interface DataPlaneTarget {
  /** The mesh service or gateway route it was resolved for (metrics and log label). */
  readonly name: string;
  readonly endpoints: readonly TargetEndpoint[];
  /**
   * Set for a cluster dbarch manages: writes go only to the member the published topology names primary, and a
   * fenced member takes nothing, whatever the servers say of themselves (a restarted old primary says primary).
   */
  readonly published: PublishedTopologySource | undefined;
  readonly database: string;
  readonly user: string;
  readonly password: string | undefined;
  readonly pool: { readonly max: number; readonly min: number; readonly idleTimeoutMs: number; readonly acquireTimeoutMs: number };
  /** statement_timeout of every connection; undefined leaves the server's. */
  readonly statementTimeoutMs: number | undefined;
  readonly connectTimeoutMs: number;
  /** TLS of every connection (verify-full), when the spec or the options ask for it. */
  readonly ssl: ConnectionOptions | undefined;
  readonly readPreference: ReadPreference;
  readonly health: {
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly unhealthyThreshold: number;
    readonly healthyThreshold: number;
    readonly maxReplicationLagMs: number;
  };
}
