import type { AuditClass } from './AuditClass.ts';

/** One target's counters (the monitoring exporter can read them from the collector's state or status query). */
export interface AuditTargetProgress {
  readonly shippedEvents: number;
  readonly shippedBatches: number;
  /** Failed deliveries (each is retried with backoff; nothing is dropped). */
  readonly failures: number;
  /** Batches and bytes waiting in this target's spool now. */
  readonly spooledBatches: number;
  readonly spooledBytes: number;
  readonly lastError: string | null;
  readonly lastShippedAt: string | null;
}

/** The collector's counters, kept in its state file with the log positions, so they survive a kill exactly. */
export interface AuditProgress {
  readonly recordsRead: number;
  readonly events: Partial<Record<AuditClass, number>>;
  readonly targets: Readonly<Record<string, AuditTargetProgress>>;
  /** Log files removed before the collector had read them to the end. */
  readonly skippedFiles: number;
  /** True while a full spool keeps the collector from reading further. */
  readonly backpressure: boolean;
  /** Collector runs that started from a saved state (after a restart, a kill, a continue-as-new). */
  readonly resumes: number;
}

export const noAuditTargetProgress: AuditTargetProgress = { shippedEvents: 0, shippedBatches: 0, failures: 0, spooledBatches: 0, spooledBytes: 0, lastError: null, lastShippedAt: null };

export const noAuditProgress: AuditProgress = { recordsRead: 0, events: {}, targets: {}, skippedFiles: 0, backpressure: false, resumes: 0 };
