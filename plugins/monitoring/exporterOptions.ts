import type { CollectorName } from '../../activities/monitoring/collectorNames.ts';
import type { MonitoringTarget } from '../../activities/monitoring/MonitoringTarget.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exporterCollectors } from './exporterCollectors.ts';
import { monitoringTargets } from './monitoringTargets.ts';
import type { MonitoringSections } from './MonitoringSections.ts';

export const defaultExporterPort = 9187;
export const defaultExporterHost = '127.0.0.1';

export interface SpecExporterOptions {
  readonly host: string;
  readonly port: number;
  readonly targets: MonitoringTarget[];
  readonly collectors: CollectorName[];
}

/**
 * What `dbarch exporter` serves for a spec: the prometheus exporter's host and port, every server of every
 * cluster (monitoringTargets), and its collectors (exporterCollectors).
 */
export function exporterOptions(sections: MonitoringSections, env: NodeJS.ProcessEnv = process.env): SpecExporterOptions {
  const exporter = sections.monitoring_config?.exporters?.find((e) => e.type === 'prometheus');
  if (exporter === undefined) {
    throw new DbarchError('DBA_MONITORING_NO_EXPORTER', 'monitoring_config.exporters has no prometheus exporter');
  }
  return {
    host: exporter.host ?? defaultExporterHost,
    port: exporter.port ?? defaultExporterPort,
    targets: monitoringTargets(sections, env),
    collectors: exporterCollectors(sections),
  };
}
