import type { AlertDestinations, SupportedChannel } from '../../activities/monitoring/AlertDestinations.ts';
import { supportedChannels } from '../../activities/monitoring/AlertDestinations.ts';
import type { AlertmanagerOptions } from '../../activities/monitoring/alertmanagerConfig.ts';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { alertRuleInputs } from './alertRuleInputs.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

/** The reference each channel's secret defaults to when the spec has no `alerting.destinations` for it. */
export const defaultSecretReferences = {
  slack: '${SLACK_WEBHOOK_URL}',
  pagerduty: '${PAGERDUTY_ROUTING_KEY}',
  webhook: '${ALERT_WEBHOOK_URL}',
} as const satisfies Record<SupportedChannel, string>;

const defaultPagerDutyUrl = 'https://events.pagerduty.com/v2/enqueue';

/**
 * What `dbarch monitoring alertmanager` generates from: the channels (each one dbarch can generate), their
 * destinations with secret references resolved from `env` now (they are written to the generated file, never to
 * the spec), the rules and the grouping timings.
 */
export function alertmanagerSettings(sections: MonitoringSections, env: NodeJS.ProcessEnv = process.env): AlertmanagerOptions {
  const alerting = sections.monitoring_config?.alerting;
  if (alerting === undefined) throw new DbarchError('DBA_MONITORING_NO_ALERTING', 'monitoring_config has no alerting section');
  const channels = alerting.channels.map((channel, i) => {
    const supported = supportedChannels.find((c) => c === channel);
    if (supported === undefined) {
      throw new DbarchError('DBA_MONITORING_CHANNEL_UNSUPPORTED', `monitoring_config.alerting.channels[${i}]: dbarch cannot generate an Alertmanager receiver for \`${channel}\` yet`);
    }
    return supported;
  });
  const given = alerting.destinations ?? {};
  const resolve = (channel: SupportedChannel, field: string, reference: string): string => {
    const resolved = resolveEnvReferences(reference, env);
    if (resolved.ok) return resolved.value;
    throw new DbarchError('DBA_MONITORING_SECRET_UNSET', `the ${channel} channel's ${field} is ${reference}, and that is not set here`, {
      details: { channel, field, reference },
    });
  };
  const destinations: { -readonly [K in keyof AlertDestinations]: AlertDestinations[K] } = {};
  if (channels.includes('slack')) {
    destinations.slack = {
      apiUrl: resolve('slack', 'webhook_url', given.slack?.webhook_url ?? defaultSecretReferences.slack),
      ...(given.slack?.channel ? { channel: given.slack.channel } : {}),
    };
  }
  if (channels.includes('pagerduty')) {
    destinations.pagerduty = {
      routingKey: resolve('pagerduty', 'routing_key', given.pagerduty?.routing_key ?? defaultSecretReferences.pagerduty),
      url: resolve('pagerduty', 'url', given.pagerduty?.url ?? defaultPagerDutyUrl),
    };
  }
  if (channels.includes('webhook')) destinations.webhook = { url: resolve('webhook', 'url', given.webhook?.url ?? defaultSecretReferences.webhook) };
  const ms = (value: string | number | undefined, fallback: number) => {
    const parsed = value === undefined ? undefined : parseDuration(value);
    return parsed?.ok ? parsed.value : fallback;
  };
  return {
    channels,
    rules: alertRuleInputs(sections),
    destinations,
    groupWaitMs: ms(alerting.group_wait, 30_000),
    groupIntervalMs: ms(alerting.group_interval, 300_000),
    repeatIntervalMs: ms(alerting.repeat_interval, 14_400_000),
  };
}
