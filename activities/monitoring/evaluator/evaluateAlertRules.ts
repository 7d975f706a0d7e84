import { parseAlertCondition } from '../../../compiler/grammar/parseAlertCondition.ts';
import { alertChannels } from '../alertChannels.ts';
import type { SupportedChannel } from '../AlertDestinations.ts';
import type { AlertRuleInput } from '../AlertRuleInput.ts';
import { metricSources } from '../metricSources.ts';
import { promThreshold } from '../promThreshold.ts';
import type { TargetScrape } from '../TargetScrape.ts';
import { alertFingerprint } from './alertFingerprint.ts';
import { holdsCondition } from './holdsCondition.ts';
import { instantReadings } from './instantReadings.ts';
import type { RuleEvaluation, SeriesReading } from './RuleEvaluation.ts';

/**
 * The spec's rules against one scrape of every server: per rule, its metric read as its PromQL would (the
 * instant reading: samples grouped by the PromQL's labels and aggregated), each label set compared with the
 * threshold in the PromQL's unit. Conditions were checked at validate time, so one that does not parse here is
 * a programming error.
 */
export function evaluateAlertRules(rules: readonly AlertRuleInput[], channels: readonly SupportedChannel[], scrapes: readonly TargetScrape[]): RuleEvaluation[] {
  const samples = scrapes.flatMap((s) => s.samples);
  return rules.map((rule) => {
    const parsed = parseAlertCondition(rule.condition);
    if (!parsed.ok) throw new Error(`alert rule ${rule.name}: ${parsed.message}`);
    const { metric, operator, threshold } = parsed.value;
    const base = { name: rule.name, condition: rule.condition, severity: rule.severity, forMs: rule.forMs, metric, channels: alertChannels(rule, channels) };
    const reading = instantReadings[metric];
    if (reading === undefined) {
      const why = metricSources[metric]?.promql === undefined ? 'has no source in this dbarch yet' : 'needs a time range or the data plane\'s /metrics (Prometheus evaluates it)';
      return { ...base, outcome: 'skipped', reason: `${metric} ${why}, so the built-in evaluator cannot read it`, series: [] };
    }
    const collector = metricSources[metric]?.collector;
    const failed = scrapes.filter((s) => !s.up || s.timedOut || s.collectors.some((c) => c.collector === collector && !c.ok));
    const groups = new Map<string, { labels: Record<string, string>; values: number[] }>();
    for (const sample of samples) {
      if (!reading.families.includes(sample.family.name)) continue;
      const labels = Object.fromEntries(reading.by.flatMap((key) => (sample.labels[key] === undefined ? [] : [[key, sample.labels[key]]])));
      const key = JSON.stringify(reading.by.map((k) => labels[k] ?? null));
      const group = groups.get(key) ?? { labels, values: [] };
      group.values.push(sample.value);
      groups.set(key, group);
    }
    const limit = promThreshold(metric, threshold);
    const series: SeriesReading[] = [...groups.values()].map(({ labels, values }) => {
      const value = reading.aggregate === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0);
      return { labels, value, holds: holdsCondition(value, operator, limit), fingerprint: alertFingerprint(rule.name, labels) };
    });
    if (failed.length > 0) {
      const problem = failed[0]?.problem?.message ?? failed[0]?.collectors.find((c) => !c.ok)?.problem?.message ?? 'failed';
      return { ...base, outcome: 'incomplete', reason: `${failed.length} server(s) not read: ${problem}`, series };
    }
    return { ...base, outcome: 'evaluated', series };
  });
}
