import { metricCatalogue, type MetricName, type MetricUnit } from '../../compiler/grammar/metricCatalogue.ts';
import { parseAlertCondition } from '../../compiler/grammar/parseAlertCondition.ts';
import type { AlertRuleInput } from './AlertRuleInput.ts';
import { metricSources } from './metricSources.ts';
import { promDuration } from './promDuration.ts';
import { promThreshold } from './promThreshold.ts';

export interface PrometheusRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PrometheusRuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly PrometheusRule[] }[];
}

export interface SkippedRule {
  readonly rule: string;
  readonly metric: string;
  readonly reason: string;
}

export interface CompiledAlertRules {
  readonly file: PrometheusRuleFile;
  /** Rules on metrics with no source yet: not written, since they could never fire. */
  readonly skipped: readonly SkippedRule[];
}

export interface AlertRuleOptions {
  /** Runbooks: each alert links to `<base>#<metric>`. */
  readonly runbookBaseUrl: string;
  readonly groupName?: string;
}

/** How a metric's value reads in an annotation, in the unit its PromQL returns. */
const valueTemplates: Readonly<Record<Exclude<MetricUnit, 'group'>, string>> = {
  duration: '{{ $value | humanizeDuration }}',
  percent: '{{ printf "%.1f" $value }}%',
  bytes: '{{ $value | humanize1024 }}B',
  count: '{{ printf "%.0f" $value }}',
};

/**
 * The spec's alert rules as a Prometheus rule file: each condition mapped to PromQL over the exporter's families
 * (metricSources), its threshold converted to the unit the PromQL returns (durations in seconds), `for:`, a
 * severity label and annotations with the runbook link. Conditions were checked at validate time, so a rule
 * that does not parse here is a programming error.
 */
export function compileAlertRules(rules: readonly AlertRuleInput[], options: AlertRuleOptions): CompiledAlertRules {
  const compiled: PrometheusRule[] = [];
  const skipped: SkippedRule[] = [];
  for (const rule of rules) {
    const parsed = parseAlertCondition(rule.condition);
    if (!parsed.ok) throw new Error(`alert rule ${rule.name}: ${parsed.message}`);
    const { metric, operator, threshold } = parsed.value;
    const promql = metricSources[metric]?.promql;
    if (promql === undefined) {
      skipped.push({ rule: rule.name, metric, reason: `${metric} has no source in this dbarch yet (the exporter does not export it), so the rule could never fire` });
      continue;
    }
    const unit = unitOf(metric);
    const value = promThreshold(metric, threshold);
    compiled.push({
      alert: rule.name,
      expr: `${promql} ${operator} ${value}`,
      ...(rule.forMs > 0 ? { for: promDuration(rule.forMs) } : {}),
      labels: { severity: rule.severity, dbarch_metric: metric },
      annotations: {
        summary: `${rule.name}: ${rule.condition.trim()}{{ with $labels.cluster }} on cluster {{ . }}{{ end }}`,
        description: `${metric} is ${valueTemplates[unit]}{{ with $labels.server }} on {{ . }}{{ end }}{{ with $labels.database }} (database {{ . }}){{ end }}; the spec's rule ${rule.name} fires when ${rule.condition.trim()}.`,
        runbook_url: `${options.runbookBaseUrl}#${metric}`,
      },
    });
  }
  return { file: { groups: [{ name: options.groupName ?? 'dbarch', rules: compiled }] }, skipped };
}

function unitOf(metric: MetricName): Exclude<MetricUnit, 'group'> {
  const unit: MetricUnit = metricCatalogue[metric].unit;
  if (unit === 'group') throw new Error(`${metric} is a group and cannot be compared`);
  return unit;
}
