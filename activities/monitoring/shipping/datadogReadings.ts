import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { MetricName } from '../../../compiler/grammar/metricCatalogue.ts';
import { collectorsByName } from '../collectorsByName.ts';
import { metricSources } from '../metricSources.ts';
import type { DatadogPoint } from './DatadogPoint.ts';
import type { ServiceLatency } from './QueryTimingLog.ts';

/** What one interval's Datadog points are read from. */
export interface DatadogReadingInput {
  /** The exporter's registry after a scrape (registry.getMetricsAsJSON()). */
  readonly families: readonly MetricObjectWithValues<MetricValue<string>>[];
  /** The data plane's figures over the interval (QueryTimingLog.takeInterval()). */
  readonly latencies: readonly ServiceLatency[];
  /** Slow calls pg_stat_statements showed over the interval, per cluster. */
  readonly slowStatementsByCluster: ReadonlyMap<string, number>;
  readonly intervalSeconds: number;
}

type Labels = Record<string, string | number>;
type Reader = (input: DatadogReadingInput) => DatadogPoint[];

const tagsOf = (labels: Labels) => Object.entries(labels).map(([key, value]) => `${key}:${value}`);

/** max (or sum) of the families' samples grouped by the given labels: the PromQL of metricSources, in process. */
const aggregate = (how: 'max' | 'sum', by: readonly string[], names: readonly string[], metric: string, unit?: string): Reader => (input) => {
  const groups = new Map<string, { labels: Labels; value: number }>();
  for (const family of input.families.filter((f) => names.includes(f.name))) {
    for (const sample of family.values) {
      const labels: Labels = Object.fromEntries(by.map((key) => [key, sample.labels[key] ?? '']));
      const key = JSON.stringify(labels);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { labels, value: sample.value });
      else group.value = how === 'max' ? Math.max(group.value, sample.value) : group.value + sample.value;
    }
  }
  return [...groups.values()].map(({ labels, value }) => ({ metric, value, type: 'gauge' as const, tags: tagsOf(labels), ...(unit ? { unit } : {}) }));
};

const perService = (metric: string, unit: string | undefined, value: (l: ServiceLatency, input: DatadogReadingInput) => number | undefined, type: DatadogPoint['type'] = 'gauge'): Reader => (input) =>
  input.latencies.flatMap((l) => {
    const v = value(l, input);
    return v === undefined ? [] : [{ metric, value: v, type, tags: [`service:${l.service}`], ...(unit ? { unit } : {}) }];
  });

const pool = (metric: string, unit: string | undefined, of: (states: Record<string, number>) => number | undefined): Reader => (input) => {
  const family = input.families.find((f) => f.name === 'dbarch_client_pool_connections');
  const endpoints = new Map<string, { service: string; states: Record<string, number> }>();
  for (const sample of family?.values ?? []) {
    const key = `${sample.labels.service}\u0000${sample.labels.endpoint}`;
    const entry = endpoints.get(key) ?? { service: String(sample.labels.service), states: {} };
    entry.states[String(sample.labels.state)] = sample.value;
    endpoints.set(key, entry);
  }
  const byService = new Map<string, number>();
  for (const { service, states } of endpoints.values()) {
    const value = of(states);
    if (value !== undefined) byService.set(service, Math.max(byService.get(service) ?? value, value));
  }
  return [...byService].map(([service, value]) => ({ metric, value, type: 'gauge' as const, tags: [`service:${service}`], ...(unit ? { unit } : {}) }));
};

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/**
 * The catalogue metrics a datadog exporter can submit, each read in process from the exporter's scrape or the
 * data plane's timings (the same aggregation as its PromQL in metricSources). Metrics absent here have no source.
 */
const readers: Partial<Record<MetricName, Reader>> = {
  replication_lag: aggregate('max', ['cluster'], ['dbarch_pg_stat_replication_replay_lag_seconds', 'dbarch_pg_replica_replay_delay_seconds'], 'dbarch.replication_lag', 'second'),
  replication_lag_bytes: aggregate('max', ['cluster'], ['dbarch_pg_stat_replication_replay_lag_bytes', 'dbarch_pg_replica_receive_replay_lag_bytes'], 'dbarch.replication_lag_bytes', 'byte'),
  replication_slot_retained_bytes: aggregate('max', ['cluster', 'server', 'slot'], ['dbarch_pg_replication_slot_retained_bytes'], 'dbarch.replication_slot_retained_bytes', 'byte'),
  connection_count: aggregate('sum', ['cluster', 'server'], ['dbarch_pg_stat_activity_connections'], 'dbarch.connection_count', 'connection'),
  lock_waits: aggregate('sum', ['cluster', 'server', 'database'], ['dbarch_pg_lock_waiting_sessions'], 'dbarch.lock_waits'),
  wal_size: aggregate('max', ['cluster', 'server'], ['dbarch_pg_wal_size_bytes'], 'dbarch.wal_size', 'byte'),
  disk_usage: aggregate('max', ['cluster', 'database'], ['dbarch_pg_database_size_bytes'], 'dbarch.disk_usage', 'byte'),
  query_latency_p50: perService('dbarch.query_latency_p50', 'second', (l) => seconds(l.p50Ms)),
  query_latency_p95: perService('dbarch.query_latency_p95', 'second', (l) => seconds(l.p95Ms)),
  query_latency_p99: perService('dbarch.query_latency_p99', 'second', (l) => seconds(l.p99Ms)),
  query_throughput: perService('dbarch.query_throughput', 'query', (l, input) => l.queries / input.intervalSeconds, 'rate'),
  error_rate: perService('dbarch.error_rate', 'percent', (l) => (l.queries === 0 ? undefined : (100 * l.errors) / l.queries)),
  pool_utilization: pool('dbarch.pool_utilization', 'percent', (s) => (s.max ? (100 * (s.active ?? 0)) / s.max : undefined)),
  pool_waiting: pool('dbarch.pool_waiting', undefined, (s) => s.waiting),
  slow_query_count: (input) => [
    ...perService('dbarch.slow_query_count', 'query', (l) => l.slow, 'count')(input).map((p) => ({ ...p, tags: [...p.tags, 'source:data_plane'] })),
    ...[...input.slowStatementsByCluster].map(([cluster, value]) => ({ metric: 'dbarch.slow_query_count', value, type: 'count' as const, unit: 'query', tags: [`cluster:${cluster}`, 'source:pg_stat_statements'] })),
  ],
};

/** Whether dbarch can read the metric for Datadog (a catalogue group needs an exporter collector). */
export function hasDatadogSource(metric: MetricName): boolean {
  return readers[metric] !== undefined || metricSources[metric]?.collector !== undefined;
}

/**
 * One interval's Datadog points of the listed metrics. A group (pg_stat_database, …) is every family of its
 * collector, tags from its labels: gauges as gauges, counters as their increase since the previous reading
 * (`count`, as Datadog's own integrations send them; nothing at the first reading or after a reset).
 */
export class DatadogReadings {
  #counters = new Map<string, number>();

  constructor(private readonly metrics: readonly MetricName[]) {}

  read(input: DatadogReadingInput): DatadogPoint[] {
    const points: DatadogPoint[] = [];
    const counters = new Map<string, number>();
    for (const metric of this.metrics) {
      const reader = readers[metric];
      if (reader !== undefined) {
        points.push(...reader(input));
        continue;
      }
      const collector = metricSources[metric]?.collector;
      if (collector === undefined) continue;
      const names = new Set(collectorsByName[collector].families.map((f) => f.name));
      for (const family of input.families.filter((f) => names.has(f.name))) {
        const name = `dbarch.${family.name.replace(/^dbarch_/, '')}`;
        for (const sample of family.values) {
          const tags = tagsOf(sample.labels as Labels);
          // prom-client's typings say an enum; getMetricsAsJSON() gives the type's name.
          if (String(family.type) !== 'counter') {
            points.push({ metric: name, value: sample.value, type: 'gauge', tags });
            continue;
          }
          const key = `${name}\u0000${tags.join(',')}`;
          counters.set(key, sample.value);
          const before = this.#counters.get(key);
          if (before !== undefined && sample.value >= before) points.push({ metric: name, value: sample.value - before, type: 'count', tags });
        }
      }
    }
    this.#counters = counters;
    return points;
  }
}
