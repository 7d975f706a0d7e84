import type { Registry } from 'prom-client';
import type { DbarchError } from '../../../errors/DbarchError.ts';
import { elasticsearchBulkSink } from './elasticsearchBulkSink.ts';
import { LogShipper } from './LogShipper.ts';
import type { LogShippingSettings } from './LogShippingSettings.ts';
import { QueryTimingLog } from './QueryTimingLog.ts';
import type { StructuredLogRecord } from './StructuredLogRecord.ts';

export interface LogShipping {
  readonly shipper: LogShipper;
  /** The data plane's slow-query log: pass `timings.observe` as a DatabaseClient's `onQuery`. */
  readonly timings: QueryTimingLog;
  /** Queues a record when its log type is shipped (false when it is not, or the buffer dropped it). */
  emit(record: StructuredLogRecord): boolean;
}

/**
 * The shipper of log_shipping (Elasticsearch bulk, counters in `registry`) and the data-plane slow-query log that
 * feeds it: what `dbarch ship` runs beside its pg_stat_statements reader, and what `dbarch gateway` runs for its
 * own clients.
 */
export function createLogShipping(settings: LogShippingSettings, registry: Registry, callbacks: { onProblem?: (problem: DbarchError) => void; onRecovered?: (what: string) => void } = {}): LogShipping {
  const shipper = new LogShipper({
    sink: elasticsearchBulkSink({ url: settings.url }),
    registry,
    ...(settings.maxBuffered === undefined ? {} : { maxBuffered: settings.maxBuffered }),
    ...(settings.maxBatch === undefined ? {} : { maxBatch: settings.maxBatch }),
    ...(settings.flushIntervalMs === undefined ? {} : { flushIntervalMs: settings.flushIntervalMs }),
    ...(settings.initialBackoffMs === undefined ? {} : { initialBackoffMs: settings.initialBackoffMs }),
    ...(settings.maxBackoffMs === undefined ? {} : { maxBackoffMs: settings.maxBackoffMs }),
    ...(callbacks.onProblem ? { onProblem: callbacks.onProblem } : {}),
    ...(callbacks.onRecovered ? { onRecovered: callbacks.onRecovered } : {}),
  });
  const logTypes = new Set(settings.logTypes);
  const emit = (record: StructuredLogRecord) => logTypes.has(record.log_type) && shipper.enqueue(record);
  const timings = new QueryTimingLog({ thresholdMs: settings.slowQueryThresholdMs, logTypes, emit });
  return { shipper, timings, emit };
}
