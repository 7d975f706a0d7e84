/**
 * The classes of audit events the collector ships, and the security_config.audit_logging events they carry out.
 * pgaudit's ROLE class (GRANT, REVOKE, CREATE/ALTER/DROP ROLE) is one class, privilege_change, for both
 * PRIVILEGE_CHANGES and ROLE_CHANGES.
 */
export const auditClassOfEvent = {
  DDL_COMMANDS: 'ddl',
  PRIVILEGE_CHANGES: 'privilege_change',
  ROLE_CHANGES: 'privilege_change',
  FAILED_LOGINS: 'failed_login',
  SUCCESSFUL_LOGINS: 'login',
  DATA_EXPORT: 'data_export',
  DML_WRITES: 'dml_write',
  CONFIG_CHANGES: 'config_change',
} as const;

export type AuditEventName = keyof typeof auditClassOfEvent;
export type AuditClass = (typeof auditClassOfEvent)[AuditEventName];

/** The distinct classes of the spec's events, in a stable order. */
export function auditClassesOf(events: readonly AuditEventName[]): AuditClass[] {
  return [...new Set(events.map((event) => auditClassOfEvent[event]))].sort();
}
