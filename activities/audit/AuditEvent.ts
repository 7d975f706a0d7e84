import type { AuditClass } from './AuditClass.ts';

/** One audit event as it is shipped (an S3 object line, a HEC event's `event`). */
export interface AuditEvent {
  /** `<member>/<log file>:<byte offset>`: where the record is in the server log; unique, so receivers can dedupe. */
  readonly id: string;
  readonly class: AuditClass;
  /** ISO 8601, from the record's timestamp. */
  readonly time: string;
  readonly cluster: string;
  readonly member: string;
  readonly user: string | null;
  readonly database: string | null;
  readonly remote_host: string | null;
  readonly application: string | null;
  /** SQLSTATE of error records (failed logins: 28P01, 28000). */
  readonly sqlstate: string | null;
  /** pgaudit's command (ALTER TABLE, GRANT, COPY), else null. */
  readonly command: string | null;
  readonly object_type: string | null;
  readonly object_name: string | null;
  readonly statement: string | null;
  readonly message: string;
}
