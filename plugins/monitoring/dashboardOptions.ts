import type { DashboardOptions, DashboardThreshold } from '../../activities/monitoring/grafanaDashboard.ts';
import { metricSources } from '../../activities/monitoring/metricSources.ts';
import { promThreshold } from '../../activities/monitoring/promThreshold.ts';
import { parseAlertCondition } from '../../compiler/grammar/parseAlertCondition.ts';
import { exporterCollectors } from './exporterCollectors.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

/** What `dbarch monitoring dashboard` draws: the exporter's collectors and the alert rules' thresholds. */
export function dashboardOptions(sections: MonitoringSections): DashboardOptions {
  const thresholds: DashboardThreshold[] = [];
  for (const rule of sections.monitoring_config?.alerting?.rules ?? []) {
    const parsed = parseAlertCondition(rule.condition);
    if (!parsed.ok || metricSources[parsed.value.metric]?.promql === undefined) continue;
    thresholds.push({ metric: parsed.value.metric, value: promThreshold(parsed.value.metric, parsed.value.threshold), severity: rule.severity });
  }
  const clusters = (sections.clusters ?? []).map((c) => c.name);
  return {
    title: `PostgreSQL (dbarch)${clusters.length > 0 ? `: ${clusters.join(', ')}` : ''}`,
    collectors: exporterCollectors(sections),
    thresholds,
  };
}
