import type { StructuredLogRecord } from './StructuredLogRecord.ts';

/** What a receiver made of one batch that it answered: records it refused for good, and records to send again. */
export interface SinkOutcome {
  readonly rejected: readonly StructuredLogRecord[];
  readonly retry: readonly StructuredLogRecord[];
  /** The receiver's reason for the first refusal, for the log. */
  readonly reason?: string;
}

/**
 * Sends one batch to a log receiver. Throws DBA_SHIPPING_RECEIVER_UNREACHABLE when the whole batch should be sent
 * again later (no answer, 429, 5xx) and DBA_SHIPPING_REJECTED when the whole batch is refused for good.
 */
export interface LogSink {
  /** Where it sends, for labels and messages (no credentials). */
  readonly destination: string;
  send(batch: readonly StructuredLogRecord[]): Promise<SinkOutcome>;
}
