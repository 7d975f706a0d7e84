import { namedChannels, severityChannels } from './alertChannels.ts';
import type { AlertDestinations, SupportedChannel } from './AlertDestinations.ts';
import type { AlertRuleInput } from './AlertRuleInput.ts';
import { promDuration } from './promDuration.ts';

export interface AlertmanagerOptions {
  /** The spec's channels, all supported (the caller refuses the others). */
  readonly channels: readonly SupportedChannel[];
  readonly rules: readonly AlertRuleInput[];
  readonly destinations: AlertDestinations;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

type Receiver = { name: string } & Record<string, unknown>;
type Route = { receiver: string; matchers: string[]; continue?: boolean };

const severities = ['critical', 'warning', 'info'] as const;

/**
 * An Alertmanager configuration routing the spec's alerts: a rule that names its channels goes to exactly those
 * (matched by alertname); otherwise by severity, critical to every channel and warning/info to the channels that
 * do not page (all of them when every channel pages, so no alert is dropped). One receiver per set of channels,
 * each integration sending resolved notifications too.
 */
export function alertmanagerConfig(options: AlertmanagerOptions): Record<string, unknown> {
  const receivers = new Map<string, Receiver>();
  const receiverFor = (channels: readonly SupportedChannel[]): string => {
    const ordered = options.channels.filter((c) => channels.includes(c));
    const name = ordered.join('+');
    if (!receivers.has(name)) receivers.set(name, { name, ...integrations(ordered, options.destinations) });
    return name;
  };
  const bySeverity = (severity: (typeof severities)[number]) => severityChannels(severity, options.channels);

  const routes: Route[] = [];
  for (const rule of options.rules) {
    const channels = namedChannels(rule, options.channels);
    if (channels.length > 0) routes.push({ receiver: receiverFor(channels), matchers: [`alertname=${JSON.stringify(rule.name)}`] });
  }
  for (const severity of severities) routes.push({ receiver: receiverFor(bySeverity(severity)), matchers: [`severity="${severity}"`] });
  const root = receiverFor(severityChannels('info', options.channels));

  return {
    route: {
      receiver: root,
      group_by: ['alertname', 'cluster'],
      group_wait: promDuration(options.groupWaitMs),
      group_interval: promDuration(options.groupIntervalMs),
      repeat_interval: promDuration(options.repeatIntervalMs),
      routes,
    },
    receivers: [...receivers.values()],
  };
}

function integrations(channels: readonly SupportedChannel[], destinations: AlertDestinations): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const channel of channels) {
    switch (channel) {
      case 'slack': {
        const slack = required(destinations.slack, channel);
        out.slack_configs = [
          {
            api_url: slack.apiUrl,
            ...(slack.channel ? { channel: slack.channel } : {}),
            send_resolved: true,
            title: '{{ .Status | toUpper }}{{ if eq .Status "firing" }} ({{ .Alerts.Firing | len }}){{ end }}: {{ .CommonLabels.alertname }}',
            text: '{{ range .Alerts }}*{{ .Labels.severity }}* {{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
          },
        ];
        break;
      }
      case 'pagerduty': {
        const pagerduty = required(destinations.pagerduty, channel);
        out.pagerduty_configs = [
          {
            routing_key: pagerduty.routingKey,
            url: pagerduty.url,
            send_resolved: true,
            severity: '{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}critical{{ end }}',
            description: '{{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}',
            links: [{ href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' }],
          },
        ];
        break;
      }
      case 'webhook':
        out.webhook_configs = [{ url: required(destinations.webhook, channel).url, send_resolved: true }];
        break;
    }
  }
  return out;
}

function required<T>(value: T | undefined, channel: string): T {
  if (value === undefined) throw new Error(`no destination for channel ${channel}`);
  return value;
}
