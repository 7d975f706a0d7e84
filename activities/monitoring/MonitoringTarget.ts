/** One PostgreSQL server the exporter scrapes: a cluster's primary or one of its standbys. */
export interface MonitoringTarget {
  /** The spec's cluster name: the `cluster` label. */
  readonly cluster: string;
  /** host:port of the server: the `server` label, telling a cluster's primary from its standbys. */
  readonly server: string;
  /** Resolved connection URL, to the cluster's first database (where pg_stat_statements is created). */
  readonly url: string;
  /** The databases the spec says the cluster serves: per-database metrics are limited to these. */
  readonly databases: readonly string[];
}
