import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of schema-level logical backups (backup_before_migrate) and their restore. */
export const backupCodes = defineCodes({
  DBA_BACKUP_DESTINATION_UNSUPPORTED: {
    summary: 'The backup destination is not a supported URL (file:///absolute/path and s3://bucket/prefix/ are).',
    hint: 'Use a file:// URL naming a directory the worker can write, e.g. file:///var/lib/dbarch/backups, or s3://bucket/prefix/.',
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
  DBA_BACKUP_STORE_UNREACHABLE: {
    summary: 'The object store did not answer or failed the request for a passing reason (network, 5xx, throttling).',
    hint: 'Check the endpoint (AWS_ENDPOINT_URL_S3 for a local S3 server) and the network; the request is retried.',
    retryable: true,
  },
  DBA_BACKUP_STORE_DENIED: {
    summary: 'The object store refused the request for a lasting reason (credentials, permission, no such bucket).',
    hint: 'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the bucket name and that the bucket exists; the store\'s answer is in the details.',
    retryable: false,
  },
  DBA_BACKUP_OBJECT_EXISTS: {
    summary: 'An object that is written only once (a manifest, a WAL segment) already exists under that key.',
    hint: 'Another attempt completed it first; read the existing object instead of writing it again.',
    retryable: false,
  },
  DBA_BACKUP_OBJECT_MISSING: {
    summary: 'An object a backup needs is not in the store.',
    hint: 'The backup is incomplete or was deleted (by retention or by hand); take a new backup or restore an older one.',
    retryable: false,
  },
  DBA_BACKUP_KEY_MISSING: {
    summary: 'The backup encryption key reference names nothing (an unset environment variable, a missing file).',
    hint: 'Set the variable or create the file that base_backups.encryption_key names, e.g. `export BACKUP_KEY=$(openssl rand -base64 32)`.',
    retryable: false,
  },
  DBA_BACKUP_KEY_INVALID: {
    summary: 'The backup encryption key is not 32 bytes written as base64 or 64 hex digits.',
    hint: 'Generate one with `openssl rand -base64 32` and keep it outside the spec and outside the backup destination.',
    retryable: false,
  },
  DBA_BACKUP_KEY_WRONG: {
    summary: 'The key given is not the one the backup was encrypted with: its data key does not unwrap.',
    hint: 'Use the master key whose id the backup manifest names (keyId); nothing was decrypted or written.',
    retryable: false,
  },
  DBA_BACKUP_CHUNK_TAMPERED: {
    summary: 'An encrypted chunk failed authentication (AES-256-GCM tag): the object was changed, reordered or damaged after it was written.',
    hint: 'Do not use this backup; restore an older one or a cross-region copy. No byte of the failed chunk was used.',
    retryable: false,
  },
  DBA_BACKUP_TRUNCATED: {
    summary: 'A backup object ends early: it is shorter than its manifest says, or its last chunk is missing.',
    hint: 'The object was cut (an interrupted copy, a full disk); restore an older backup or a cross-region copy.',
    retryable: false,
  },
  DBA_BACKUP_CHECKSUM_MISMATCH: {
    summary: 'A stored object or a file inside the backup does not match the checksum its manifest records.',
    hint: 'Do not use this backup; the details name the object or file. Take a new backup or restore an older one.',
    retryable: false,
  },
  DBA_BACKUP_COMPRESSION_FAILED: {
    summary: 'The compressor or decompressor failed (the zstd or lz4 program is missing, or the stream is not valid or ends inside a frame).',
    hint: 'Install Debian\'s zstd / lz4 packages; on restore a corrupt stream means a damaged backup.',
    retryable: false,
  },
  DBA_BACKUP_BASE_FAILED: {
    summary: 'pg_basebackup failed before the base backup was complete; no backup was listed as complete.',
    hint: 'Read pg_basebackup\'s output in the details (replication permission, max_wal_senders, pg_hba.conf replication entry); a dropped connection succeeds on retry.',
    retryable: true,
  },
  DBA_BACKUP_RESTORE_TARGET: {
    summary: 'The restore target directory exists and is not empty.',
    hint: 'Restore into a new directory (the default); a restore never writes over an existing data directory.',
    retryable: false,
  },
  DBA_BACKUP_MANIFEST_INVALID: {
    summary: 'A backup manifest cannot be read or is of a format this dbarch does not know.',
    hint: 'Check that the destination holds dbarch base backups and that this dbarch is at least as new as the one that wrote them.',
    retryable: false,
  },
  DBA_BACKUP_LIFECYCLE_UNSUPPORTED: {
    summary: 'The object store does not support bucket lifecycle configuration, so backups are not moved to colder storage (warning).',
    hint: 'Apply the printed lifecycle configuration on the real bucket, or ignore this warning on a local S3 server such as versitygw.',
    retryable: false,
  },
});
