import { defineSection } from '../../SectionDefinition.ts';
import { checkMonitoringConfig } from './checks.ts';
import { MonitoringConfigSchema } from './schema.ts';

export const monitoringConfigSection = defineSection({
  key: 'monitoring_config',
  title: 'Monitoring and observability',
  description: 'Metric exporters (names checked against the metric catalogue), log shipping, and alert rules with typed conditions.',
  schema: MonitoringConfigSchema,
  check: checkMonitoringConfig,
});
