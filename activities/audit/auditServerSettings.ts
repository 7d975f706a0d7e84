import type { AuditClass } from './AuditClass.ts';

/** The pgaudit session classes each audit class needs. */
const pgauditClasses: Partial<Record<AuditClass, string>> = {
  ddl: 'ddl',
  privilege_change: 'role',
  // COPY … TO is a READ in pgaudit; log_statement has no level that logs it without every other statement.
  data_export: 'read',
  dml_write: 'write',
  // ALTER SYSTEM is pgaudit's MISC class.
  config_change: 'misc',
};

/** jsonlog files are named like this (PostgreSQL swaps `.log` for `.json`); sorted names are chronological. */
export const auditLogFilename = 'audit-%Y%m%d-%H%M%S.log';

/**
 * postgresql.conf settings for a server whose audit trail dbarch collects: pgaudit preloaded with the classes the
 * audited events need, connection logging for logins (a failed login is a FATAL record with SQLSTATE 28xxx, logged
 * anyway), and PostgreSQL 15's jsonlog written by the logging collector into `logDirectory`, one JSON record per
 * line, so the collector parses fields instead of text. Changing shared_preload_libraries needs a restart.
 */
export function auditServerSettings(classes: readonly AuditClass[], logDirectory: string): Record<string, string> {
  const pgaudit = [...new Set(classes.flatMap((c) => pgauditClasses[c] ?? []))];
  const logins = classes.includes('failed_login') || classes.includes('login');
  return {
    shared_preload_libraries: 'pgaudit',
    'pgaudit.log': pgaudit.length === 0 ? 'none' : pgaudit.join(', '),
    // Reads of pg_catalog (psql's \d, drivers' type lookups) are no export.
    'pgaudit.log_catalog': 'off',
    'pgaudit.log_parameter': 'off',
    'pgaudit.log_relation': 'off',
    'pgaudit.log_level': 'log',
    log_connections: logins ? 'on' : 'off',
    log_destination: 'jsonlog',
    logging_collector: 'on',
    log_directory: logDirectory,
    log_filename: auditLogFilename,
    log_file_mode: '0640',
    log_rotation_age: '1d',
    log_rotation_size: '64MB',
    log_truncate_on_rotation: 'off',
    // Record timestamps in UTC: the objects' dates (audit/YYYY/MM/DD) and HEC times come from them.
    log_timezone: 'UTC',
  };
}
