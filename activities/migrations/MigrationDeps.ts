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
}
