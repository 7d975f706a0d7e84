import type { AlertRuleInput } from '../AlertRuleInput.ts';
import type { SupportedChannel } from '../AlertDestinations.ts';

/** One label set of a rule's metric in one evaluation. */
export interface SeriesReading {
  /** The reading's grouping labels (cluster, server, …), as the PromQL's `by` would keep them. */
  readonly labels: Readonly<Record<string, string>>;
  /** In the unit the PromQL returns: seconds for durations, 0-100 for percentages. */
  readonly value: number;
  readonly holds: boolean;
  /** alertFingerprint(rule, labels). */
  readonly fingerprint: string;
}

/**
 * What one evaluation found for one rule. `skipped`: the metric has no instant reading (a range or data-plane
 * metric), so it can never be evaluated here. `incomplete`: a server or collector the metric needs failed in this
 * scrape, so an absent series says nothing (the evaluator keeps such a rule's alerts as they were).
 */
export interface RuleEvaluation extends Pick<AlertRuleInput, 'name' | 'condition' | 'severity' | 'forMs'> {
  readonly metric: string;
  readonly outcome: 'evaluated' | 'skipped' | 'incomplete';
  readonly reason?: string;
  readonly series: readonly SeriesReading[];
  /** Where its notifications go (alertChannels). */
  readonly channels: readonly SupportedChannel[];
}
