import { metricCatalogue, type MetricName } from '../../compiler/grammar/metricCatalogue.ts';

/** A condition's threshold (milliseconds for durations) in the unit the metric's PromQL returns: seconds for durations. */
export function promThreshold(metric: MetricName, threshold: number): number {
  return metricCatalogue[metric].unit === 'duration' ? threshold / 1000 : threshold;
}
