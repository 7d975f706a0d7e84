import type { ShippedLogType } from './StructuredLogRecord.ts';

/** monitoring_config.log_shipping as the shipper runs it (references resolved). */
export interface LogShippingSettings {
  /** The Elasticsearch bulk API's base URL, credentials resolved. */
  readonly url: string;
  readonly logTypes: readonly ShippedLogType[];
  readonly slowQueryThresholdMs: number;
  readonly maxBuffered?: number;
  readonly maxBatch?: number;
  readonly flushIntervalMs?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}
