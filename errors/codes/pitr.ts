import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of WAL archiving (wal-push / wal-fetch), point-in-time recovery, retention and restore drills. */
export const pitrCodes = defineCodes({
  DBA_WAL_CONFIG_MISSING: {
    summary: 'wal-push / wal-fetch found no archive configuration (no --config file, no dbarch-wal.json in the data directory, no DBARCH_WAL_DESTINATION).',
    hint: 'Run `dbarch backup configure <spec> --cluster <name>` (it writes dbarch-wal.json into the data directory), or set DBARCH_WAL_DESTINATION.',
    retryable: false,
  },
  DBA_WAL_SEGMENT_INVALID: {
    summary: 'The file handed to wal-push is not a WAL segment, timeline history or backup label file dbarch archives, or it cannot be read.',
    hint: 'archive_command must pass %p (the path relative to the data directory); the file name must be a WAL file name such as 000000010000000000000001.',
    retryable: false,
  },
  DBA_WAL_SEGMENT_CONFLICT: {
    summary: 'The archive already holds a different file under this WAL name; it was not overwritten.',
    hint: 'Two clusters archive to one destination, or a restored cluster kept the old timeline: give each cluster its own wal_archiving.destination. The archived copy is kept untouched.',
    retryable: false,
  },
  DBA_WAL_SEGMENT_MISSING: {
    summary: 'A WAL file a restore needs is not in the archive.',
    hint: 'The details name the file. Nothing was restored: pick a target before the gap, or restore from a newer base backup.',
    retryable: false,
  },
  DBA_WAL_SEGMENT_CORRUPT: {
    summary: 'An archived WAL file failed its checks (header, authentication, size or SHA-256); it was not handed to PostgreSQL.',
    hint: 'Do not use this archive copy. Restore to a target before this segment, or from a copy kept elsewhere (cross-region).',
    retryable: false,
  },
  DBA_WAL_ARCHIVE_UNREACHABLE: {
    summary: 'The WAL archive destination could not be read or written (network, permissions, server error).',
    hint: 'PostgreSQL retries archive_command by itself; check the destination, its credentials and free space.',
    retryable: true,
  },
  DBA_ARCHIVE_CONFIGURE_FAILED: {
    summary: 'archive_mode / archive_command could not be set on the cluster (ALTER SYSTEM refused, or the configuration file not written).',
    hint: 'Connect as a superuser; the SQLSTATE is in the details. archive_mode only takes effect after a restart.',
    retryable: false,
  },
  DBA_RESTORE_TARGET_INVALID: {
    summary: 'The recovery target is malformed: not exactly one of time, LSN, xid or restore point name, or a value that does not parse.',
    hint: 'Give one of --target-time 2026-01-02T03:04:05Z, --target-lsn 0/3000060, --target-xid 1234, --target-name before_deploy.',
    retryable: false,
  },
  DBA_RESTORE_TARGET_OUTSIDE_WINDOW: {
    summary: 'The recovery target lies outside point_in_time_recovery.recovery_window (or in the future); nothing was touched.',
    hint: 'Pick a target inside the window the details give, or restore a base backup as it is (it keeps its own consistent point).',
    retryable: false,
  },
  DBA_RESTORE_TARGET_BEFORE_BACKUPS: {
    summary: 'The recovery target is before the consistent point of the oldest complete base backup; nothing was touched.',
    hint: 'The oldest reachable point is in the details; no WAL replay can go further back than the oldest backup.',
    retryable: false,
  },
  DBA_RESTORE_NO_BACKUP: {
    summary: 'No complete base backup of the cluster exists at the destination.',
    hint: 'Run `dbarch backup <spec> --cluster <name>` first; `dbarch backup list` shows what exists.',
    retryable: false,
  },
  DBA_RESTORE_DESTINATION_IN_USE: {
    summary: 'The restore destination is not empty, or its port is taken; nothing was written there.',
    hint: 'Restore into a new directory and a free port (--to <dir>:<port>); restoring over an existing cluster needs --over-existing and an approval.',
    retryable: false,
  },
  DBA_RESTORE_APPROVAL_REQUIRED: {
    summary: 'Restoring over an existing cluster replaces its data and needs an approval.',
    hint: 'Approve the workflow\'s gate (`dbarch approve <workflow id>` or from the Temporal UI), or restore into a new instance instead.',
    retryable: false,
  },
  DBA_RESTORE_RECOVERY_FAILED: {
    summary: 'The restored instance did not reach the recovery target and promote (the server stopped, or recovery ended before the target).',
    hint: 'The server log excerpt is in the details; a missing or corrupt WAL file is named there. The restored directory is left for inspection.',
    retryable: false,
  },
  DBA_RESTORE_VERIFY_FAILED: {
    summary: 'The restored instance promoted but failed its checks (not accepting writes, a table count, amcheck).',
    hint: 'The details list the failing checks; keep the old cluster, and inspect the restored directory before using it.',
    retryable: false,
  },
});
