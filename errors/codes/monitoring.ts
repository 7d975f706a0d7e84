import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the monitoring capability: the Prometheus exporter, alert rules and Alertmanager configuration. */
export const monitoringCodes = defineCodes({
  DBA_MONITORING_NO_EXPORTER: {
    summary: 'The spec has no Prometheus exporter in monitoring_config.exporters.',
    hint: 'Add `- type: prometheus` (port 9187 by default) with the metrics to export under monitoring_config.exporters.',
    retryable: false,
  },
  DBA_MONITORING_NO_ALERTING: {
    summary: 'The spec has no monitoring_config.alerting section to compile rules or routes from.',
    hint: 'Add monitoring_config.alerting with its channels and rules.',
    retryable: false,
  },
  DBA_MONITORING_LISTEN_FAILED: {
    summary: 'The exporter could not listen on its host and port.',
    hint: 'Another process holds the port, or the address is not on this machine: change the exporter\'s host/port (or pass --port).',
    retryable: false,
  },
  DBA_MONITORING_TARGET_INVALID: {
    summary: 'A cluster the exporter should scrape has a connection reference that does not resolve to a PostgreSQL URL.',
    hint: 'Set the variable the reference names, or give it a `${NAME:-postgres://…}` default.',
    retryable: false,
  },
  DBA_MONITORING_SERVER_DOWN: {
    summary: 'The exporter could not connect to a server, or its connection broke; dbarch_pg_up is 0 for it.',
    hint: 'Check that the server runs and accepts the connection reference\'s role from the exporter\'s host; the cause is in the details.',
    retryable: true,
  },
  DBA_MONITORING_PG_STAT_STATEMENTS_NOT_LOADED: {
    summary: 'pg_stat_statements is asked for but the server does not load it (it is not in shared_preload_libraries).',
    hint: "Add pg_stat_statements to shared_preload_libraries in postgresql.conf (e.g. `shared_preload_libraries = 'pg_stat_statements'`) and restart the server, or drop pg_stat_statements from the exporter's metrics.",
    retryable: false,
  },
  DBA_MONITORING_PG_STAT_STATEMENTS_UNAVAILABLE: {
    summary: 'pg_stat_statements is loaded but its extension is not created in the database and could not be created there.',
    hint: 'Run `CREATE EXTENSION pg_stat_statements` in the cluster\'s first listed database as a superuser (on the primary; standbys follow).',
    retryable: false,
  },
  DBA_MONITORING_COLLECTOR_FAILED: {
    summary: 'A metric collector\'s query failed; its metrics are absent from this scrape (dbarch_exporter_collector_success is 0).',
    hint: 'The SQLSTATE and message are in the details; the exporter role needs pg_monitor (or superuser) for WAL and lock views.',
    retryable: true,
  },
  DBA_MONITORING_SCRAPE_TIMEOUT: {
    summary: 'A server did not answer the exporter within the scrape timeout; what it did not answer is absent from this scrape.',
    hint: 'Look for sessions holding locks or a stuck server (pg_stat_activity); raise --scrape-timeout if the server is merely slow.',
    retryable: true,
  },
  DBA_MONITORING_SOURCE_FAILED: {
    summary: 'A platform source (RabbitMQ queues, the outbox, the backup store, Temporal) could not be read; its families are absent from this scrape (dbarch_exporter_source_success is 0).',
    hint: 'The cause is in the message: check that the broker, database, store or Temporal server named in the spec answers from the exporter\'s host.',
    retryable: true,
  },
  DBA_MONITORING_CHANNEL_UNSUPPORTED: {
    summary: 'An alerting channel has no Alertmanager receiver that dbarch can generate yet.',
    hint: 'Use slack, pagerduty or webhook channels (email and opsgenie are not generated yet).',
    retryable: false,
  },
  DBA_MONITORING_SECRET_UNSET: {
    summary: 'A channel\'s secret reference (webhook URL, routing key) names a variable that is not set where the config is generated.',
    hint: 'Export the variable (e.g. SLACK_WEBHOOK_URL, PAGERDUTY_ROUTING_KEY, ALERT_WEBHOOK_URL) before running `dbarch monitoring alertmanager`.',
    retryable: false,
  },
});
