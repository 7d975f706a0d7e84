import type { AlertAnnotations } from './alertAnnotations.ts';
import type { AlertNotification } from './AlertNotification.ts';

/** Alertmanager's zero time, which its webhook sends as the endsAt of a firing alert. */
const zeroTime = '0001-01-01T00:00:00Z';

/**
 * The generic webhook's body: Alertmanager's webhook format (version 4), one alert per notification grouped by
 * alertname, so a receiver written for Alertmanager reads the built-in evaluator's notifications unchanged.
 */
export function alertmanagerWebhookPayload(notification: AlertNotification, annotations: AlertAnnotations): Record<string, unknown> {
  const labels = { alertname: notification.rule, severity: notification.severity, dbarch_metric: notification.metric, ...notification.labels };
  return {
    version: '4',
    groupKey: `{}:{alertname=${JSON.stringify(notification.rule)}}`,
    truncatedAlerts: 0,
    status: notification.status,
    receiver: 'webhook',
    groupLabels: { alertname: notification.rule },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: notification.evaluator,
    alerts: [
      {
        status: notification.status,
        labels,
        annotations,
        startsAt: notification.startsAt,
        endsAt: notification.endsAt ?? zeroTime,
        generatorURL: '',
        fingerprint: notification.fingerprint,
      },
    ],
  };
}
