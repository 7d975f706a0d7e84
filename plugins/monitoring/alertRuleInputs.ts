import type { AlertRuleInput } from '../../activities/monitoring/AlertRuleInput.ts';
import { parseDuration } from '../../compiler/grammar/parseDuration.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

/** The spec's alert rules with their `for:` in milliseconds (validated already, so a bad duration cannot reach here). */
export function alertRuleInputs(sections: MonitoringSections): AlertRuleInput[] {
  return (sections.monitoring_config?.alerting?.rules ?? []).map((rule) => {
    const forMs = parseDuration(rule.for ?? 0);
    return {
      name: rule.name,
      condition: rule.condition,
      severity: rule.severity,
      forMs: forMs.ok ? forMs.value : 0,
      ...(rule.channels ? { channels: rule.channels } : {}),
    };
  });
}
