import { sendWebhook } from '../../builtin/sendWebhook.ts';
import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import type { AlertDestinations, SupportedChannel } from '../AlertDestinations.ts';
import { alertAnnotations } from './alertAnnotations.ts';
import { alertmanagerWebhookPayload } from './alertmanagerWebhookPayload.ts';
import type { AlertNotification } from './AlertNotification.ts';
import { pagerDutyEvent } from './pagerDutyEvent.ts';
import { slackMessage } from './slackMessage.ts';

const deliveryTimeoutMs = 10_000;

export interface AlertDelivery {
  readonly channel: SupportedChannel;
  readonly status: number;
  readonly key: string;
}

/**
 * Sends one notification to one channel in that channel's own format, with the notification's key as the
 * Idempotency-Key of every attempt (PagerDuty deduplicates natively on dedup_key as well). 5xx, 429 and network
 * failures are transient (the caller retries); other refusals are permanent. Errors name the channel, never
 * its URL: a Slack webhook's path is its secret.
 */
export async function deliverAlertNotification(
  notification: AlertNotification,
  channel: SupportedChannel,
  destinations: AlertDestinations,
  runbookBaseUrl: string,
  signal: AbortSignal,
): Promise<AlertDelivery> {
  const annotations = alertAnnotations(notification, runbookBaseUrl);
  const request = (() => {
    switch (channel) {
      case 'slack': {
        const slack = required(destinations.slack, channel);
        return { url: slack.apiUrl, body: slackMessage(notification, annotations, slack.channel) };
      }
      case 'pagerduty': {
        const pagerduty = required(destinations.pagerduty, channel);
        return { url: pagerduty.url, body: pagerDutyEvent(notification, annotations, pagerduty.routingKey) };
      }
      case 'webhook':
        return { url: required(destinations.webhook, channel).url, body: alertmanagerWebhookPayload(notification, annotations) };
    }
  })();
  try {
    // A receiver that never answers must not hold the evaluator: the attempt ends and is retried.
    const answer = await sendWebhook(request, { idempotencyKey: notification.key, signal: AbortSignal.any([signal, AbortSignal.timeout(deliveryTimeoutMs)]) });
    return { channel, status: answer.status, key: notification.key };
  } catch (error) {
    if (!isDbarchError(error)) throw error;
    const status = typeof error.details.status === 'number' ? `HTTP ${error.details.status}` : error.cause instanceof Error ? error.cause.message : 'no answer';
    throw new DbarchError(error.code, `${notification.status} notification of ${notification.rule} to ${channel}: ${error.code === 'DBA_STEP_WEBHOOK' ? 'refused' : 'not delivered'} (${status})`, {
      details: { channel, rule: notification.rule, key: notification.key, ...(error.details.status === undefined ? {} : { status: error.details.status }) },
    });
  }
}

function required<T>(value: T | undefined, channel: SupportedChannel): T {
  if (value === undefined) throw new DbarchError('DBA_MONITORING_SECRET_UNSET', `the ${channel} channel has no destination`);
  return value;
}
