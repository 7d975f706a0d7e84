import type { DbarchError } from '../../errors/DbarchError.ts';
import type { MetricSample } from './Collector.ts';
import type { CollectorName } from './collectorNames.ts';

export interface CollectorOutcome {
  readonly collector: CollectorName;
  readonly ok: boolean;
  readonly seconds: number;
  readonly problem?: DbarchError;
}

/** What one scrape of one server found. */
export interface TargetScrape {
  /** The server answered (connected and ran its first query) within the timeout. */
  readonly up: boolean;
  readonly inRecovery: boolean | undefined;
  readonly timedOut: boolean;
  readonly seconds: number;
  readonly samples: readonly MetricSample[];
  readonly collectors: readonly CollectorOutcome[];
  /** Why the server is down or timed out, when it is. */
  readonly problem?: DbarchError;
}
