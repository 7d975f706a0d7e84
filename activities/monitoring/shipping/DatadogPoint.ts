/** One Datadog series point, before it is put in the series API's payload. */
export interface DatadogPoint {
  /** `dbarch.<catalogue metric>` or `dbarch.<exporter family>`. */
  readonly metric: string;
  readonly value: number;
  /** gauge: a reading; count: events in the interval (slow queries, a counter's increase); rate: per second. */
  readonly type: 'gauge' | 'count' | 'rate';
  /** `key:value`, from the metric's labels (cluster, server, database, service, …). */
  readonly tags: readonly string[];
  /** SI unit name Datadog knows (second, byte, percent, query), where one applies. */
  readonly unit?: string;
}
