import type { AlertAnnotations } from './alertAnnotations.ts';
import type { AlertNotification } from './AlertNotification.ts';

/**
 * A PagerDuty Events API v2 event: `trigger` while firing, `resolve` once resolved, both with the alert's
 * fingerprint as dedup_key, so PagerDuty opens one incident per alert however often a trigger is retried, and the
 * resolve closes that incident.
 */
export function pagerDutyEvent(notification: AlertNotification, annotations: AlertAnnotations, routingKey: string): Record<string, unknown> {
  const dedupKey = notification.fingerprint;
  if (notification.status === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: `${notification.rule}: ${annotations.summary}`.slice(0, 1024),
      source: notification.labels.server ?? notification.labels.cluster ?? notification.evaluator,
      severity: notification.severity,
      timestamp: notification.startsAt,
      component: notification.labels.cluster ?? 'postgresql',
      group: notification.labels.database ?? notification.labels.cluster ?? 'dbarch',
      class: notification.metric,
      custom_details: { description: annotations.description, value: notification.value, labels: notification.labels, evaluator: notification.evaluator },
    },
    links: [{ href: annotations.runbook_url, text: 'Runbook' }],
    client: 'dbarch',
  };
}
