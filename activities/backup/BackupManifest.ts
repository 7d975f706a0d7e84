import type { WrappedKey } from './crypto/WrappedKey.ts';

/**
 * What a complete backup is: written next to its dump, last, so its presence means the dump under the final
 * name is whole. Plain JSON; dumpSchemas returns it and restoreSchemas accepts it back.
 */
export interface BackupManifest {
  readonly formatVersion: 1;
  readonly backupId: string;
  readonly kind: 'schemas';
  /** pg_dump's custom format: compressed, restorable selectively, listable with `pg_restore --list`. */
  readonly format: 'custom';
  readonly database: string;
  /** The schemas dumped, in the order given. */
  readonly schemas: readonly string[];
  /** File name of the dump, in the same directory as the manifest. */
  readonly dumpFile: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly serverVersion: string;
  readonly serverVersionNum: number;
  readonly pgDumpVersion: string;
  /** WAL position when the dump's snapshot was taken (the snapshot is exported to pg_dump, so they agree). */
  readonly lsn: string;
  /** Server time of the snapshot: the point in time the dump shows. */
  readonly snapshotTime: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Set where the dump is stored encrypted (an object store, schemaDumpStore.ts): the data key, wrapped. */
  readonly encryption?: { readonly algorithm: 'aes-256-gcm-chunked'; readonly wrappedKey: WrappedKey };
}
