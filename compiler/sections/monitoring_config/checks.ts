import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { reportDuplicates } from '../reportDuplicates.ts';
import type { MonitoringConfig } from './schema.ts';

const defaultPorts: Readonly<Record<string, number>> = { prometheus: 9187, statsd: 8125 };

export function checkMonitoringConfig(config: MonitoringConfig, ctx: SectionCheckContext): void {
  const exporters = config.exporters ?? [];
  const portOwner = new Map<number, number>();
  exporters.forEach((exporter, i) => {
    const port = exporter.port ?? defaultPorts[exporter.type];
    if (port !== undefined) {
      const first = portOwner.get(port);
      if (first === undefined) portOwner.set(port, i);
      else ctx.error(['exporters', i, exporter.port === undefined ? 'type' : 'port'], 'DBA_SPEC_PORT_CONFLICT', `port ${port} is already used by exporter ${first + 1} (${exporters[first]?.type})`, 'give each exporter its own port');
    }
    if (exporter.type === 'datadog' && exporter.api_key === undefined) {
      ctx.error(['exporters', i, 'api_key'], 'DBA_SPEC_MISSING_KEY', 'the datadog exporter needs `api_key`', 'add `api_key: ${DD_API_KEY}`');
    }
    reportDuplicates(ctx, exporter.metrics.map((m, j) => ({ value: m, path: ['exporters', i, 'metrics', j] })), 'metric');
  });
  const alerting = config.alerting;
  if (alerting !== undefined) {
    reportDuplicates(ctx, alerting.channels.map((c, i) => ({ value: c, path: ['alerting', 'channels', i] })), 'channel');
    reportDuplicates(ctx, alerting.rules.map((r, i) => ({ value: r.name, path: ['alerting', 'rules', i, 'name'] })), 'alert rule');
    alerting.rules.forEach((rule, i) => {
      (rule.channels ?? []).forEach((channel, j) => {
        if (!alerting.channels.includes(channel)) {
          ctx.error(['alerting', 'rules', i, 'channels', j], 'DBA_SPEC_UNKNOWN_REFERENCE', `channel \`${channel}\` is not listed in \`alerting.channels\``, `add \`${channel}\` to \`alerting.channels\``);
        }
      });
    });
  }
}
