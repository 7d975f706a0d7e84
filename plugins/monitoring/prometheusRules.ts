import { compileAlertRules, type CompiledAlertRules } from '../../activities/monitoring/compileAlertRules.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { alertRuleInputs } from './alertRuleInputs.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

export const defaultRunbookBaseUrl = 'docs/operations/monitoring.md';

/** The Prometheus rule file of the spec's alerting rules (`dbarch monitoring rules`). */
export function prometheusRules(sections: MonitoringSections): CompiledAlertRules {
  const alerting = sections.monitoring_config?.alerting;
  if (alerting === undefined) throw new DbarchError('DBA_MONITORING_NO_ALERTING', 'monitoring_config has no alerting section');
  return compileAlertRules(alertRuleInputs(sections), { runbookBaseUrl: alerting.runbook_base_url ?? defaultRunbookBaseUrl });
}
