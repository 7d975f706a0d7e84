import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { portField } from '../../schema/portField.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

export const alertChannels = ['slack', 'pagerduty', 'email', 'webhook', 'opsgenie'] as const;

export const Exporter = Type.Object(
  {
    type: stringEnum(['prometheus', 'datadog', 'statsd', 'otlp'] as const, { description: 'Metrics backend.' }),
    port: Type.Optional(portField({ description: 'Port the exporter listens on (prometheus) or sends to (statsd); unique across exporters.', examples: [9187] })),
    host: Type.Optional(namedString('host', { description: 'Bind address (prometheus) or agent host (statsd, otlp).', examples: ['127.0.0.1'] })),
    api_key: Type.Optional(grammarString('dbarch-secret', { description: 'API key, as a reference only (datadog).', examples: ['${DD_API_KEY}'] })),
    url: Type.Optional(Type.String({ minLength: 1, description: 'API base URL (datadog: the site, `https://api.datadoghq.eu` and so on); env references allowed.', default: 'https://api.datadoghq.com', examples: ['${DD_URL:-https://api.datadoghq.com}'] })),
    interval: Type.Optional(durationField({ description: 'Collection interval.', default: '15s' })),
    metrics: Type.Array(grammarString('dbarch-metric'), { minItems: 1, description: 'Metrics or metric groups from the catalogue.', examples: [['pg_stat_database', 'replication_lag']] }),
  },
  { additionalProperties: false },
);

export const LogShipping = Type.Object(
  {
    destination: stringEnum(['elasticsearch', 'loki', 'splunk', 'datadog', 's3', 'file', 'stdout'] as const, { description: 'Log sink.' }),
    url: Type.Optional(Type.String({ description: 'Sink address; env references allowed.', examples: ['${ELASTICSEARCH_URL:-http://127.0.0.1:9200}'] })),
    log_types: Type.Array(stringEnum(['slow_queries', 'error_logs', 'audit_logs', 'connection_logs', 'migration_logs', 'workflow_logs'] as const), { minItems: 1, description: 'Which logs are shipped.' }),
    slow_query_threshold: Type.Optional(durationField({ description: 'Queries slower than this are logged as slow.', default: '1s' })),
  },
  { additionalProperties: false },
);

export const AlertRule = Type.Object(
  {
    name: namedString('name', { description: 'Rule name; unique.', examples: ['high_replication_lag'] }),
    condition: grammarString('dbarch-alert-condition', { description: '`<metric> <operator> <threshold>`; the threshold\'s unit must fit the metric.', examples: ['replication_lag > 10s', 'pool_utilization > 90%'] }),
    severity: stringEnum(['info', 'warning', 'critical'] as const, { description: 'Severity sent with the alert.' }),
    for: Type.Optional(durationField({ description: 'How long the condition must hold before the alert fires.', default: '0s' })),
    channels: Type.Optional(Type.Array(stringEnum(alertChannels), { description: 'Channels for this rule (default: all of `alerting.channels`).' })),
  },
  { additionalProperties: false },
);

const secret = (description: string, example: string) => grammarString('dbarch-secret', { description: `${description}, as a reference only.`, examples: [example] });

/** Where each channel delivers: secrets by reference, resolved when the Alertmanager config is generated. */
export const AlertDestinations = Type.Object(
  {
    slack: Type.Optional(
      Type.Object(
        {
          webhook_url: secret('Slack incoming-webhook URL (default `${SLACK_WEBHOOK_URL}`)', '${SLACK_WEBHOOK_URL}'),
          channel: Type.Optional(Type.String({ minLength: 1, description: 'Channel to post to, when the webhook allows overriding it.', examples: ['#db-alerts'] })),
        },
        { additionalProperties: false },
      ),
    ),
    pagerduty: Type.Optional(
      Type.Object(
        {
          routing_key: secret('PagerDuty Events API v2 integration (routing) key (default `${PAGERDUTY_ROUTING_KEY}`)', '${PAGERDUTY_ROUTING_KEY}'),
          url: Type.Optional(Type.String({ minLength: 1, description: 'Events API endpoint; env references allowed.', default: 'https://events.pagerduty.com/v2/enqueue' })),
        },
        { additionalProperties: false },
      ),
    ),
    webhook: Type.Optional(
      Type.Object({ url: secret('Generic webhook URL, which Alertmanager POSTs its JSON to (default `${ALERT_WEBHOOK_URL}`)', '${ALERT_WEBHOOK_URL}') }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const Alerting = Type.Object(
  {
    channels: Type.Array(stringEnum(alertChannels), { minItems: 1, description: 'Notification channels.' }),
    rules: Type.Array(AlertRule, { default: [] }),
    destinations: Type.Optional(AlertDestinations),
    runbook_base_url: Type.Optional(Type.String({ minLength: 1, description: 'Where the runbooks live; each alert links to `<base>#<metric>`.', default: 'docs/operations/monitoring.md' })),
    group_wait: Type.Optional(durationField({ description: 'How long Alertmanager waits to group the first alerts of a group before notifying.', default: '30s' })),
    group_interval: Type.Optional(durationField({ description: 'How long Alertmanager waits before notifying about changes (new or resolved alerts) in a group.', default: '5m' })),
    repeat_interval: Type.Optional(durationField({ description: 'How long before a notification for a still-firing alert is sent again.', default: '4h' })),
  },
  { additionalProperties: false },
);

export const MonitoringConfigSchema = Type.Object(
  {
    exporters: Type.Optional(Type.Array(Exporter, { default: [] })),
    log_shipping: Type.Optional(LogShipping),
    alerting: Type.Optional(Alerting),
  },
  { additionalProperties: false },
);

export type MonitoringConfig = Static<typeof MonitoringConfigSchema>;
