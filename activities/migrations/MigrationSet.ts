import type { MigrationFile } from './MigrationFile.ts';

/** The scripts of one source, validated and ordered: what planning and lint work from. */
export interface MigrationSet {
  /** Ascending by version. */
  readonly versioned: readonly MigrationFile[];
  /** Ascending by description (the order they are applied in). */
  readonly repeatable: readonly MigrationFile[];
  /** Ascending by version; each has a versioned file of the same version. */
  readonly undo: readonly MigrationFile[];
}
