import type { DbarchError } from '../../errors/DbarchError.ts';
import type { CollectorName } from './collectorNames.ts';
import type { MonitoringTarget } from './MonitoringTarget.ts';
import type { PlatformSource } from './PlatformSource.ts';

export interface ExporterOptions {
  readonly host: string;
  /** 0 picks a free port (tests, benches). */
  readonly port: number;
  readonly targets: readonly MonitoringTarget[];
  /** The metric groups to export, in scrape order. */
  readonly collectors: readonly CollectorName[];
  /** dbarch's own figures (queues, outbox, backups, workflows), read once per scrape beside the servers. */
  readonly sources?: readonly PlatformSource[];
  /** Bound on one scrape of one server; Prometheus's own X-Prometheus-Scrape-Timeout-Seconds lowers it. */
  readonly scrapeTimeoutMs: number;
  /** Called when a server or collector starts failing for a new reason (once, not on every scrape). */
  readonly onProblem?: (problem: DbarchError) => void;
  /** Called when a server or collector that was failing works again. */
  readonly onRecovered?: (what: { cluster: string; server: string; collector?: string }) => void;
}
