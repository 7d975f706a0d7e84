import type { AuditBatch } from './AuditBatch.ts';

/** Somewhere audit batches go. `send` resolves once the target acknowledged the batch; a batch may be sent again after a crash. */
export interface AuditTarget {
  readonly name: string;
  send(batch: AuditBatch, signal: AbortSignal): Promise<void>;
}
