import type { SupportedChannel } from './AlertDestinations.ts';
import { pagingChannels } from './AlertDestinations.ts';
import type { AlertRuleInput } from './AlertRuleInput.ts';

/**
 * Where an alert of `severity` goes when its rule names no channels: critical to every channel, warning and info
 * to the channels that do not page (all of them when every channel pages, so no alert is dropped).
 */
export function severityChannels(severity: AlertRuleInput['severity'], channels: readonly SupportedChannel[]): SupportedChannel[] {
  const quiet = channels.filter((c) => !pagingChannels.includes(c));
  return severity === 'critical' || quiet.length === 0 ? [...channels] : quiet;
}

/** The spec's channels a rule names itself; empty when it names none of them. */
export function namedChannels(rule: Pick<AlertRuleInput, 'channels'>, channels: readonly SupportedChannel[]): SupportedChannel[] {
  return rule.channels === undefined ? [] : channels.filter((c) => rule.channels?.includes(c));
}

/**
 * The channels one rule's alerts are delivered to, as the generated Alertmanager routes them (a route by
 * alertname for a rule naming its channels, else by severity) and as the built-in evaluator delivers them.
 */
export function alertChannels(rule: Pick<AlertRuleInput, 'severity' | 'channels'>, channels: readonly SupportedChannel[]): SupportedChannel[] {
  const named = namedChannels(rule, channels);
  return named.length > 0 ? named : severityChannels(rule.severity, channels);
}
