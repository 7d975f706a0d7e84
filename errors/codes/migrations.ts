import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the migration engine: files, history, lock, apply, undo, repair, baseline, lint. */
export const migrationCodes = defineCodes({
  DBA_MIGRATION_SOURCE: {
    summary: 'The migration directory could not be read.',
    hint: 'Check that the path exists and is readable by the worker; paths are resolved from its working directory.',
    retryable: false,
  },
  DBA_MIGRATION_FILENAME: {
    summary: 'A .sql file in the migration directory does not follow the V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql naming.',
    hint: 'Rename the file, e.g. V3__add_email_index.sql (two underscores; version digits separated by . or _).',
    retryable: false,
  },
  DBA_MIGRATION_DUPLICATE: {
    summary: 'Two migration files resolve to the same version (V1 and V001 or V1.0 are equal) or the same repeatable description.',
    hint: 'Give each versioned migration its own version and each repeatable migration its own description.',
    retryable: false,
  },
  DBA_MIGRATION_UNDO_ORPHAN: {
    summary: 'An undo file U<version> has no versioned file V<version> to undo.',
    hint: 'Rename the undo file to the version it reverts, or delete it.',
    retryable: false,
  },
  DBA_MIGRATION_DIRECTIVE: {
    summary: 'A `-- dbarch:` directive in a migration header is unknown or has an invalid value.',
    hint: 'Known directives: no-transaction, no-placeholders, lock-timeout <duration>, statement-timeout <duration> (e.g. 5s, 500ms, 2min).',
    retryable: false,
  },
  DBA_MIGRATION_PLACEHOLDER_UNKNOWN: {
    summary: 'A migration uses a ${placeholder} that the environment does not define.',
    hint: 'Define the placeholder for this environment, or add `-- dbarch:no-placeholders` to the file if ${...} is literal text.',
    retryable: false,
  },
  DBA_MIGRATION_SYNTAX: {
    summary: 'The PostgreSQL parser rejected a migration file.',
    hint: 'Fix the SQL at the file, line and column given; the parser is PostgreSQL\'s own.',
    retryable: false,
  },
  DBA_MIGRATION_TRANSACTION_CONTROL: {
    summary: 'A migration contains BEGIN, COMMIT or ROLLBACK, which would break its own transaction and the history record.',
    hint: 'Remove the transaction statements: each migration already runs in one transaction (or mark it `-- dbarch:no-transaction`).',
    retryable: false,
  },
  DBA_MIGRATION_CHECKSUM_MISMATCH: {
    summary: 'An applied migration file was edited after it was applied: its checksum differs from the history table.',
    hint: 'Revert the edit and put the change in a new migration; if the edit is intended (a comment, a fix that was applied by hand) run `repair` to accept the new checksum.',
    retryable: false,
  },
  DBA_MIGRATION_MISSING: {
    summary: 'The history table records an applied migration whose file is no longer present.',
    hint: 'Restore the file, or pass allowMissing if the file was removed on purpose.',
    retryable: false,
  },
  DBA_MIGRATION_OUT_OF_ORDER: {
    summary: 'A pending migration has a lower version than one already applied.',
    hint: 'Give it a version above the latest applied one, or enable outOfOrder for this environment.',
    retryable: false,
  },
  DBA_MIGRATION_PREVIOUSLY_FAILED: {
    summary: 'The history table records a failed migration (a non-transactional migration that stopped part-way).',
    hint: 'Inspect and clean up what it left (e.g. an INVALID index from CREATE INDEX CONCURRENTLY), then run `repair` to remove the failed record and migrate again.',
    retryable: false,
  },
  DBA_MIGRATION_FAILED: {
    summary: 'PostgreSQL rejected a migration; its transaction was rolled back. The SQLSTATE is in the details.',
    hint: 'Fix the statement at the file, line and column given and run the migration again.',
    retryable: false,
  },
  DBA_MIGRATION_TRANSIENT: {
    summary: 'A migration failed for a transient reason (deadlock, serialization failure, lost connection, server restarting); its transaction was rolled back.',
    hint: 'Retry: the history table tells the next run exactly where to continue.',
    retryable: true,
  },
  DBA_MIGRATION_LOCK_TIMEOUT: {
    summary: 'A lock was not obtained in time: either the migration lock held by another migrator, or a table lock a migration needed (lock_timeout, SQLSTATE 55P03).',
    hint: 'Retry later; the details name the session holding the migration lock. Raise lock-timeout for the file if the table is busy.',
    retryable: true,
  },
  DBA_MIGRATION_STATEMENT_TIMEOUT: {
    summary: 'A migration statement ran longer than its statement_timeout and was cancelled; its transaction was rolled back.',
    hint: 'Raise `-- dbarch:statement-timeout` for the file, or split the work (batches, CONCURRENTLY, NOT VALID + VALIDATE).',
    retryable: false,
  },
  DBA_MIGRATION_ABORTED: {
    summary: 'The run was stopped by its abort signal (the activity was cancelled or its worker is shutting down): migrations that had committed stay applied, the running one was cancelled and rolled back, the rest did not start.',
    hint: 'Run it again: the history table tells the next run where to continue. The details list what was applied before the stop; a cancelled no-transaction script leaves a failed record to clean up and repair.',
    retryable: true,
  },
  DBA_MIGRATION_UNDO_MISSING: {
    summary: 'An applied migration that must be undone for the target version has no U<version> undo file.',
    hint: 'Write the undo script U<version>__<description>.sql, or choose a target at or above that version.',
    retryable: false,
  },
  DBA_MIGRATION_BASELINE_CONFLICT: {
    summary: 'A baseline was requested for a database whose history already holds migrations or another baseline.',
    hint: 'Baseline only databases without history; the version given must match an existing baseline to be a no-op.',
    retryable: false,
  },
  DBA_MIGRATION_TARGET: {
    summary: 'The target version is not a valid version.',
    hint: 'Use digits separated by dots, e.g. 3 or 2.1; 0 undoes every migration.',
    retryable: false,
  },
});
