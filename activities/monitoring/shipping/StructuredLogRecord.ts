/** The log types dbarch ships (monitoring_config.log_shipping.log_types it has a source for). */
export const shippedLogTypes = ['slow_queries', 'error_logs', 'audit_logs'] as const;
export type ShippedLogType = (typeof shippedLogTypes)[number];

/**
 * One shipped log record in the seed's structured log shape (timestamp, level, component, message, query,
 * duration_ms, rows_returned, trace_id), plus where it came from. Absent facts are left out, never zeroed.
 */
export interface StructuredLogRecord {
  /** ISO 8601, UTC. */
  readonly timestamp: string;
  readonly level: 'info' | 'warn' | 'error';
  /** Who logged it: `database-architect` (the data plane), `dbarch-exporter`, … */
  readonly component: string;
  readonly message: string;
  readonly log_type: ShippedLogType;
  readonly query?: string;
  /** Milliseconds: the statement's duration (for a pg_stat_statements reading, the mean of its new calls). */
  readonly duration_ms?: number;
  readonly rows_returned?: number;
  /** The W3C trace id (32 hex digits) of the caller's traceparent. */
  readonly trace_id?: string;
  /** `data_plane` (a DatabaseClient's own timing) or `pg_stat_statements` (a delta between two readings). */
  readonly source?: 'data_plane' | 'pg_stat_statements' | 'exporter';
  readonly service?: string;
  readonly cluster?: string;
  readonly server?: string;
  readonly database?: string;
  /** pg_stat_statements: calls between the two readings this record summarises. */
  readonly calls?: number;
  /** pg_stat_statements: the statement's slowest call so far, when it grew between the two readings. */
  readonly max_duration_ms?: number;
  /** Error logs: the dbarch error code and SQLSTATE. */
  readonly code?: string;
  readonly sqlstate?: string;
}
