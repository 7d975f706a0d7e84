import { isMetricName, metricCatalogue } from '../../../compiler/grammar/metricCatalogue.ts';
import type { AlertNotification } from './AlertNotification.ts';

export interface AlertAnnotations {
  readonly summary: string;
  readonly description: string;
  readonly runbook_url: string;
}

/**
 * The annotations of a notification, in the words of the generated Prometheus rules (compileAlertRules) with
 * their templates filled in: the rule and its cluster, the reading in the metric's unit, the runbook link.
 */
export function alertAnnotations(notification: AlertNotification, runbookBaseUrl: string): AlertAnnotations {
  const { labels } = notification;
  return {
    summary: `${notification.rule}: ${notification.condition.trim()}${labels.cluster ? ` on cluster ${labels.cluster}` : ''}`,
    description: `${notification.metric} is ${formatted(notification.metric, notification.value)}${labels.server ? ` on ${labels.server}` : ''}${labels.database ? ` (database ${labels.database})` : ''}; the spec's rule ${notification.rule} fires when ${notification.condition.trim()}.`,
    runbook_url: `${runbookBaseUrl}#${notification.metric}`,
  };
}

function formatted(metric: string, value: number): string {
  switch (isMetricName(metric) ? metricCatalogue[metric].unit : 'count') {
    case 'duration':
      return `${Number(value.toFixed(3))}s`;
    case 'percent':
      return `${value.toFixed(1)}%`;
    case 'bytes':
      return `${value} bytes`;
    default:
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
}
