import type { AlertAnnotations } from './alertAnnotations.ts';
import type { AlertNotification } from './AlertNotification.ts';

const colours = { critical: 'danger', warning: 'warning', info: '#439FE0' } as const;

/**
 * A Slack incoming-webhook message (legacy attachments, what Alertmanager's slack_configs sends): the title
 * `FIRING: <rule>` or `RESOLVED: <rule>`, the summary, description and runbook, coloured by severity (green once
 * resolved).
 */
export function slackMessage(notification: AlertNotification, annotations: AlertAnnotations, channel?: string): Record<string, unknown> {
  const title = `${notification.status.toUpperCase()}: ${notification.rule}`;
  const text = `*${notification.severity}* ${annotations.summary}\n${annotations.description}\nRunbook: ${annotations.runbook_url}`;
  return {
    ...(channel ? { channel } : {}),
    username: 'dbarch',
    text: title,
    attachments: [
      {
        fallback: `${title}: ${annotations.summary}`,
        color: notification.status === 'resolved' ? 'good' : colours[notification.severity],
        title,
        title_link: annotations.runbook_url,
        text,
        fields: Object.entries(notification.labels).map(([title, value]) => ({ title, value, short: true })),
        footer: notification.evaluator,
        ts: Math.floor(Date.parse(notification.endsAt ?? notification.startsAt) / 1000),
      },
    ],
  };
}
