/**
 * Where migration scripts come from: a directory (read recursively; only `.sql` files count) or the
 * files themselves, which lets a workflow pass a snapshot of the scripts it approved.
 */
export type MigrationSource = { readonly dir: string } | { readonly files: readonly InlineMigrationFile[] };

export interface InlineMigrationFile {
  /** Relative path such as `V2__add_email.sql`; the basename carries the version. */
  readonly name: string;
  readonly sql: string;
}
