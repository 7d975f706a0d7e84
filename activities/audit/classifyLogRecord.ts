import type { AuditClass } from './AuditClass.ts';
import type { AuditEvent } from './AuditEvent.ts';
import { parsePgauditMessage } from './parsePgauditMessage.ts';
import { redactPasswords } from './redactPasswords.ts';

/** The fields of a PostgreSQL 15 jsonlog record the collector reads. */
export interface JsonLogRecord {
  readonly timestamp?: string;
  readonly user?: string;
  readonly dbname?: string;
  readonly remote_host?: string;
  readonly application_name?: string;
  readonly error_severity?: string;
  readonly state_code?: string;
  readonly message?: string;
}

export interface RecordSource {
  readonly cluster: string;
  readonly member: string;
  /** `<member>/<file>:<offset>`. */
  readonly id: string;
}

/**
 * The audit event a server log record is, if it is one of `classes`: pgaudit DDL → ddl, ROLE → privilege_change,
 * READ of COPY (COPY … TO, what pg_dump runs) → data_export (other reads are dropped), WRITE → dml_write, MISC of
 * ALTER SYSTEM → config_change; FATAL with SQLSTATE class 28 (invalid authorization: wrong password, unknown role,
 * no pg_hba entry) → failed_login; `connection authorized` → login. Classified by field and SQLSTATE, not by text
 * beyond pgaudit's own prefix.
 */
export function classifyLogRecord(record: JsonLogRecord, classes: ReadonlySet<AuditClass>, source: RecordSource): AuditEvent | undefined {
  const message = record.message ?? '';
  const audit = parsePgauditMessage(message);
  let auditClass: AuditClass | undefined;
  if (audit !== undefined) {
    const type = audit.auditClass.toUpperCase();
    if (type === 'DDL') auditClass = 'ddl';
    else if (type === 'ROLE') auditClass = 'privilege_change';
    else if (type === 'READ' && audit.command.toUpperCase() === 'COPY') auditClass = 'data_export';
    else if (type === 'WRITE') auditClass = 'dml_write';
    else if (type === 'MISC' && audit.command.toUpperCase() === 'ALTER SYSTEM') auditClass = 'config_change';
  } else if (record.error_severity === 'FATAL' && record.state_code?.startsWith('28') === true) {
    auditClass = 'failed_login';
  } else if (record.error_severity === 'LOG' && message.startsWith('connection authorized')) {
    auditClass = 'login';
  }
  if (auditClass === undefined || !classes.has(auditClass)) return undefined;
  return {
    id: source.id,
    class: auditClass,
    time: isoTime(record.timestamp),
    cluster: source.cluster,
    member: source.member,
    user: record.user ?? null,
    database: record.dbname ?? null,
    remote_host: record.remote_host ?? null,
    application: record.application_name ?? null,
    sqlstate: record.error_severity === 'FATAL' || record.error_severity === 'ERROR' ? (record.state_code ?? null) : null,
    command: audit?.command ?? null,
    object_type: audit === undefined || audit.objectType === '' ? null : audit.objectType,
    object_name: audit === undefined || audit.objectName === '' ? null : audit.objectName,
    statement: audit === undefined ? null : redactPasswords(audit.statement),
    message: audit === undefined ? message : redactPasswords(message),
  };
}

/** jsonlog's `2026-12-02 03:01:02.345 UTC` as ISO 8601 (UTC); the raw text when it is some other shape. */
function isoTime(timestamp: string | undefined): string {
  if (timestamp === undefined) return new Date(0).toISOString();
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (?:UTC|GMT)$/.exec(timestamp);
  if (match) return new Date(`${match[1]}T${match[2]}Z`).toISOString();
  const parsed = new Date(timestamp);
  return Number.isNaN(parsed.getTime()) ? timestamp : parsed.toISOString();
}
