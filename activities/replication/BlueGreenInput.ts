/** What every blue-green step is given: the two databases and the deployment's name. */
export interface BlueGreenInput {
  /** The database serving traffic now (the publisher). Needs wal_level=logical. */
  readonly blueUrl: string;
  /** The database with the migrated schema (the subscriber). */
  readonly greenUrl: string;
  /** Names the publication, slot and subscription (`dbarch_bg_<name>`): lower-case letters, digits, underscore. */
  readonly name: string;
}
