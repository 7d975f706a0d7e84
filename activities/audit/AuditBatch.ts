import type { AuditEvent } from './AuditEvent.ts';

/** The audit events of one stretch of one member's log file: the unit spooled, put in S3 and POSTed to HEC. */
export interface AuditBatch {
  /** Commit order of the batch in the collector's state. */
  readonly seq: number;
  readonly cluster: string;
  readonly member: string;
  /** The jsonlog file and the byte offset the stretch starts at: unique, so the S3 key of a batch is too. */
  readonly file: string;
  readonly offset: number;
  readonly events: readonly AuditEvent[];
}
