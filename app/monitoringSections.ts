import { compileSpec } from '../compiler/compileSpec.ts';
import type { MonitoringSections } from '../plugins/monitoring/MonitoringSections.ts';
import { planningError } from './planningError.ts';

/** The sections the monitoring capability reads (monitoringReads), from a valid spec; an invalid one is the coded error with every issue. */
export async function monitoringSections(paths: readonly string[]): Promise<MonitoringSections> {
  const compiled = await compileSpec(paths);
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const spec = compiled.spec;
  // Exactly the sections the capability declared, as the registry hands them to its planning hooks.
  return {
    ...(spec.monitoring_config === undefined ? {} : { monitoring_config: spec.monitoring_config }),
    ...(spec.clusters === undefined ? {} : { clusters: spec.clusters }),
  };
}
