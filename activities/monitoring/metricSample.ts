import type { MetricFamily, MetricSample } from './Collector.ts';

/**
 * A sample of a family from a value PostgreSQL returned (bigint and numeric arrive as strings). A NULL or
 * non-numeric value yields no sample: an unknown figure is absent, never reported as 0.
 */
export function metricSample(family: MetricFamily, labels: Readonly<Record<string, string>>, value: unknown): MetricSample[] {
  if (value === null || value === undefined) return [];
  const number = typeof value === 'number' || typeof value === 'boolean' ? Number(value) : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(number) ? [{ family, labels, value: number }] : [];
}
