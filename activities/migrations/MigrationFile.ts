/** What kind of script a file is, from its name: V (versioned), R__ (repeatable) or U (undo of a version). */
export type MigrationKind = 'versioned' | 'repeatable' | 'undo';

/** Per-file settings from `-- dbarch:` header lines (see docs/operations/migrations.md). */
export interface MigrationDirectives {
  /** False for `-- dbarch:no-transaction`: statements run one by one in autocommit (CREATE INDEX CONCURRENTLY). */
  readonly transaction: boolean;
  /** False for `-- dbarch:no-placeholders`: `${...}` is left as written. */
  readonly placeholders: boolean;
  /** PostgreSQL duration for lock_timeout, or null for the run's default. */
  readonly lockTimeout: string | null;
  /** PostgreSQL duration for statement_timeout, or null for the run's default. */
  readonly statementTimeout: string | null;
}

/** One migration script as loaded from disk or given inline; plain JSON so it can cross activity boundaries. */
export interface MigrationFile {
  readonly kind: MigrationKind;
  /** Path relative to the migration directory with `/` separators, e.g. `V2__add_email.sql`. */
  readonly script: string;
  /** Dotted version (`V1_2` is `1.2`); null for repeatable migrations. */
  readonly version: string | null;
  /** The name part after `__`, underscores shown as spaces. */
  readonly description: string;
  /** sha256 (hex) of the file text with line endings normalised, before placeholder substitution. */
  readonly checksum: string;
  /** File text, BOM removed and CRLF normalised to LF. */
  readonly sql: string;
  readonly directives: MigrationDirectives;
}
