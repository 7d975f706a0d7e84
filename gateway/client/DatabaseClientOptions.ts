import type { CustomTypesConfig } from 'pg';
import type { Registry } from 'prom-client';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import type { QueryEvent } from '../../activities/monitoring/shipping/QueryEvent.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { ReadPreference } from './DataPlaneTarget.ts';
import type { ClientTlsReferences } from './resolveClientTls.ts';

/** What a DatabaseClient is made from: the compiled spec, which service or route, and overrides. */
export interface DatabaseClientOptions {
  readonly spec: CompiledSpec;
  /**
   * A `service_mesh.database_services` name (the seed's `service_name`). The client connects to that service's
   * endpoints and to every other service of the same cluster, and asks each server whether it is the primary.
   */
  readonly serviceName?: string;
  /** Or a `gateway_config.database_routing` route, by its `service`: its database, pool, timeout and preference. */
  readonly route?: string;
  /** Pool size per endpoint (the seed's `connection_pool_size`); default the route's max, else 10. */
  readonly connectionPoolSize?: number;
  /** Milliseconds: the query timeout (statement_timeout), and the acquire timeout unless that is given. */
  readonly timeout?: number;
  /** Milliseconds a query waits for a free connection before DBA_POOL_EXHAUSTED. */
  readonly acquireTimeout?: number;
  /** The database on those servers; default the route's, else the credentials URL's. */
  readonly database?: string;
  /** Credentials as a connection reference (`${APP_DATABASE_URL}`); default the cluster's primary, else DATABASE_URL. */
  readonly connection?: string;
  /** Default read preference of query(); default the route's, else primary. */
  readonly readPreference?: ReadPreference;
  /** Milliseconds between health probes (role, lag); default the service's health_check interval, else 10 s. */
  readonly probeInterval?: number;
  /** Milliseconds of replica lag beyond which a replica takes no reads; default health_check.max_replication_lag. */
  readonly maxReplicationLag?: number;
  /** Milliseconds a read-your-writes replica read waits for the token's position before reading from the primary. */
  readonly readYourWritesWait?: number;
  /** Attempts per query for errors that are safe to retry (1 disables retries); default 3. */
  readonly maxAttempts?: number;
  /** Name statements after their text so PostgreSQL parses each once per connection; default true. */
  readonly preparedStatements?: boolean;
  /** Where pool gauges, latency histograms and error counters are registered; default a registry of its own. */
  readonly metricsRegistry?: Registry;
  /** Type parsers for result values (the gateway keeps them JSON-exact); default pg's. */
  readonly types?: CustomTypesConfig;
  /**
   * The control database holding the published topology of managed clusters (clusters[].members); default
   * DATABASE_URL. null ignores the published topology and trusts the servers' own answers alone.
   */
  readonly controlUrl?: string | null;
  readonly logger?: Logger;
  /** Called after each query() with its own timing, rows, trace context or failure (the slow-query log's feed). */
  readonly onQuery?: (event: QueryEvent) => void;
  /** TLS to the servers as references (CA, and the client's certificate and key), or false for none; default service_mesh.mtls. */
  readonly tls?: ClientTlsReferences | false;
  readonly env?: NodeJS.ProcessEnv;
}
