import { definePlugin, type PlanSetting } from '../definePlugin.ts';
import { hostVersion } from '../hostVersion.ts';
import { defaultExporterHost, defaultExporterPort } from './exporterOptions.ts';
import { monitoringReads } from './MonitoringSections.ts';

/**
 * The monitoring capability: reads `monitoring_config` and `clusters`. Its engine (activities/monitoring) is the
 * Prometheus exporter (`dbarch exporter`), the alert-rule compiler and the Alertmanager generator (`dbarch
 * monitoring rules|alertmanager`) and the built-in alert evaluator (alertEvaluatorActivities, which the worker registers
 * for alertEvaluatorWorkflow); procedures can read where the exporter listens as `{{ monitoring.exporter_url }}`.
 */
export const monitoringPlugin = definePlugin({
  name: 'monitoring',
  version: hostVersion,
  host: '*',
  description: 'Prometheus exporter, alert rules and Alertmanager routing from monitoring_config.',
  reads: monitoringReads,
  planning: {
    settings: (sections): Record<string, PlanSetting> => {
      const exporter = sections.monitoring_config?.exporters?.find((e) => e.type === 'prometheus');
      if (exporter === undefined) return {};
      return {
        exporter_url: {
          value: `http://${exporter.host ?? defaultExporterHost}:${exporter.port ?? defaultExporterPort}/metrics`,
          source: { path: ['monitoring_config', 'exporters'], hint: 'a prometheus exporter with its host and port' },
        },
      };
    },
  },
  steps: () => ({}),
});
