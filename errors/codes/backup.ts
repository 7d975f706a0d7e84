import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of schema-level logical backups (backup_before_migrate) and their restore. */
export const backupCodes = defineCodes({
  DBA_BACKUP_DESTINATION_UNSUPPORTED: {
    summary: 'The backup destination is not a supported URL (only file:///absolute/path is supported so far).',
    hint: 'Use a file:// URL naming a directory the worker can write, e.g. file:///var/lib/dbarch/backups.',
    retryable: false,
  },
  DBA_BACKUP_DESTINATION_UNWRITABLE: {
    summary: 'The backup directory could not be created or written.',
    hint: 'Check that the directory exists or can be created, is writable by the worker, and that the disk has room.',
    retryable: true,
  },
  DBA_BACKUP_ID_INVALID: {
    summary: 'A backup id is not usable as a file name, or is already used by a backup of another database or set of schemas.',
    hint: 'Use letters, digits, dot, dash and underscore only (at most 128 characters), starting with a letter or digit; one id per backup.',
    retryable: false,
  },
  DBA_BACKUP_SCHEMA_MISSING: {
    summary: 'A schema named for backup does not exist in the database.',
    hint: 'Check the schema names (they are case-sensitive and unquoted) against the database.',
    retryable: false,
  },
  DBA_BACKUP_IN_PROGRESS: {
    summary: 'Another attempt is still writing the backup with this id.',
    hint: 'Retry shortly: the other attempt either finishes (and its dump is reused) or dies and releases its lock.',
    retryable: true,
  },
  DBA_BACKUP_SOURCE: {
    summary: 'The database to back up refused the backup for a lasting reason (no such database, authentication, permission).',
    hint: 'Check the database URL and that its role may read every object in the schemas; the SQLSTATE is in the details.',
    retryable: false,
  },
  DBA_BACKUP_TOOL_MISSING: {
    summary: 'pg_dump, pg_restore or psql could not be started.',
    hint: 'Install the PostgreSQL client tools (Debian: postgresql-client-15) or set DBARCH_PG_BINDIR to the directory holding them.',
    retryable: false,
  },
  DBA_BACKUP_DUMP_FAILED: {
    summary: 'pg_dump exited with an error; no dump was kept under the backup id.',
    hint: 'Read the pg_dump output in the details; a connection or lock problem succeeds on retry.',
    retryable: true,
  },
  DBA_BACKUP_NOT_FOUND: {
    summary: 'No complete backup (manifest and dump) exists under the given id.',
    hint: 'Check the backup id and destination; a dump without its manifest is incomplete and is never restored.',
    retryable: false,
  },
  DBA_BACKUP_CORRUPT: {
    summary: 'The dump file does not match its manifest (size or SHA-256 differ), or the manifest cannot be read.',
    hint: 'Do not restore from this backup; take a new one, or restore a copy of the dump kept elsewhere.',
    retryable: false,
  },
  DBA_BACKUP_DEPENDENTS: {
    summary: 'Objects outside the restored schemas depend on objects inside them and would be dropped by the restore.',
    hint: 'The details list them; drop or include those schemas in the backup, or pass allowDependents to accept their loss.',
    retryable: false,
  },
  DBA_BACKUP_RESTORE_FAILED: {
    summary: 'The restore failed and its single transaction was rolled back: the database is as it was before the restore.',
    hint: 'The SQLSTATE and psql output are in the details; a lock timeout or a lost connection succeeds on retry.',
    retryable: false,
  },
  DBA_BACKUP_RESTORE_TRANSIENT: {
    summary: 'The restore failed for a transient reason (lock timeout, deadlock, lost connection); its transaction was rolled back.',
    hint: 'Retry: nothing was changed. Stop the writers holding locks on the schemas if it keeps happening.',
    retryable: true,
  },
});
