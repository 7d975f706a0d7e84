import type { CollectorName } from './collectorNames.ts';

export type MetricType = 'counter' | 'gauge';

/** A metric family a collector exposes; every family also carries the labels `cluster` and `server`. */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Labels beyond `cluster` and `server`. */
  readonly labels: readonly string[];
}

export interface MetricSample {
  readonly family: MetricFamily;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What a collector may do on its server during one scrape: run a query (bounded by the scrape's timeouts). */
export interface CollectorSession {
  query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<readonly R[]>;
  /** Whether the server is a standby (pg_is_in_recovery()), read at the start of every scrape. */
  readonly inRecovery: boolean;
  readonly databases: readonly string[];
}

/** One metric group with a source: the query (or queries) behind it and the families it fills. */
export interface Collector {
  readonly name: CollectorName;
  readonly families: readonly MetricFamily[];
  collect(session: CollectorSession): Promise<readonly MetricSample[]>;
}
