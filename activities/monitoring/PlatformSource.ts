import type { MetricFamily, MetricSample } from './Collector.ts';

/**
 * A source of dbarch's own figures (queues and the outbox, base backups, workflow outcomes and drills): read once
 * per scrape rather than once per PostgreSQL server, so its families carry exactly the labels they list (no
 * `cluster`/`server` pair added). A source that fails leaves its families absent for that scrape, never zeroed.
 */
export interface PlatformSource {
  /** The `source` label of dbarch_exporter_source_success. */
  readonly name: string;
  /** Families with their complete label sets. */
  readonly families: readonly MetricFamily[];
  collect(): Promise<readonly MetricSample[]>;
  close?(): Promise<void>;
}
