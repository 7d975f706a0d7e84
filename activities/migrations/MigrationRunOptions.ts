/** Options every locked operation (apply, undo, repair, baseline) shares; all plain JSON. */
export interface MigrationRunOptions {
  /** Schema of the history table (created on first use). Default `dbarch_history`. */
  readonly historySchema?: string;
  /**
   * Table of the history in that schema. Default `schema_history`. Several histories may share a schema (dbarch's
   * own control and target histories do); they then share its migration lock too.
   */
  readonly historyTable?: string;
  /** How long to wait for another migrator's lock before DBA_MIGRATION_LOCK_TIMEOUT. Default 10 minutes. */
  readonly lockWaitTimeoutMs?: number;
  /** application_name of the session, visible in pg_stat_activity. Default `dbarch-migrate`. */
  readonly applicationName?: string;
  /** See SessionOptions.clientConnectionCheckInterval. Default `1s`. */
  readonly clientConnectionCheckInterval?: string;
  /** Recorded as installed_by (e.g. the workflow id or the approver); default the database user. */
  readonly installedBy?: string | null;
}
