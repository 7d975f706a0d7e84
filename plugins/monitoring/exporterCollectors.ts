import { collectorNames, type CollectorName } from '../../activities/monitoring/collectorNames.ts';
import { metricSources } from '../../activities/monitoring/metricSources.ts';
import { isMetricName } from '../../compiler/grammar/metricCatalogue.ts';
import { parseAlertCondition } from '../../compiler/grammar/parseAlertCondition.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

/**
 * The collectors the spec's prometheus exporter runs, in scrape order: those behind its `metrics:` plus those the
 * alert rules need, so a rule never watches a metric nobody exports. Entries without a source, or exported by the
 * data plane, add nothing.
 */
export function exporterCollectors(sections: MonitoringSections): CollectorName[] {
  const exporter = sections.monitoring_config?.exporters?.find((e) => e.type === 'prometheus');
  const wanted = new Set<CollectorName>();
  const add = (metric: string) => {
    const collector = isMetricName(metric) ? metricSources[metric]?.collector : undefined;
    if (collector !== undefined) wanted.add(collector);
  };
  exporter?.metrics.forEach(add);
  for (const rule of sections.monitoring_config?.alerting?.rules ?? []) {
    const parsed = parseAlertCondition(rule.condition);
    if (parsed.ok) add(parsed.value.metric);
  }
  return collectorNames.filter((name) => wanted.has(name));
}
