import type pg from 'pg';
import type { MigrationLogger } from './MigrationLogger.ts';

/** Something the engine reports while it works; an activity wrapper turns these into heartbeats. */
export interface MigrationProgress {
  readonly phase: 'waiting-for-lock' | 'locked' | 'running' | 'done';
  readonly script?: string;
  readonly completed?: number;
  readonly total?: number;
  readonly waitedMs?: number;
}

/** Injected dependencies of every engine operation (everything else is plain JSON input). */
export interface MigrationDeps {
  /**
   * A pool (one client is checked out for the whole run and destroyed afterwards, so no session state such
   * as the advisory lock or settings can leak back into the pool) or a connection string.
   */
  readonly db: pg.Pool | string;
  readonly logger?: MigrationLogger;
  readonly onProgress?: (progress: MigrationProgress) => void;
  /**
   * Honoured by applyMigrations and undoMigrations (e.g. the activity's cancellation signal). Checked while
   * waiting for the migration lock and between migrations; when it fires during a migration, the running
   * statement is cancelled (pg_cancel_backend from a second connection) so its transaction rolls back. The run
   * then throws DBA_MIGRATION_ABORTED (retryable) listing what was applied before the stop.
   */
  readonly signal?: AbortSignal;
}
