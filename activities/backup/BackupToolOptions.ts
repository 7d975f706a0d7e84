/** Where the backup activities find pg_dump, pg_restore and psql. */
export interface BackupToolOptions {
  /** A directory holding them (e.g. /usr/lib/postgresql/15/bin); default PATH. From DBARCH_PG_BINDIR in the worker. */
  readonly pgBinDir?: string;
}
