import type { SectionsOf } from '../definePlugin.ts';

/** The sections the monitoring capability reads. */
export const monitoringReads = ['monitoring_config', 'clusters'] as const;

export type MonitoringSections = SectionsOf<typeof monitoringReads>;
