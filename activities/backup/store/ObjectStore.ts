import type { Readable } from 'node:stream';

/** One stored object, as head and list report it. Keys are relative to the store's destination. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface PutOptions {
  /**
   * Write only if no object exists under the key yet, atomically (S3 `If-None-Match: *`, a hard link on file://);
   * otherwise DBA_BACKUP_OBJECT_EXISTS and the existing object is left as it was. Manifests and WAL segments use it.
   */
  readonly ifAbsent?: boolean;
  readonly signal?: AbortSignal;
  /** Called with the bytes written so far, for heartbeats and progress lines. */
  readonly onProgress?: (bytesWritten: number) => void;
}

export interface GetOptions {
  /** Bytes [start, end) of the object; end defaults to the object's end. */
  readonly range?: { readonly start: number; readonly end?: number };
  readonly signal?: AbortSignal;
}

/**
 * Where backups and WAL live: file:// (fileStore) or s3:// (s3Store), behind one interface so the engines
 * (base backup, verify, restore, WAL push/fetch, retention) never know which. Every method throws coded errors:
 * DBA_BACKUP_OBJECT_MISSING, DBA_BACKUP_OBJECT_EXISTS, DBA_BACKUP_STORE_UNREACHABLE (retryable),
 * DBA_BACKUP_STORE_DENIED, DBA_BACKUP_DESTINATION_UNWRITABLE.
 *
 * A put is all or nothing: a reader never sees a half-written object under its key (file://: a temporary file
 * renamed into place; S3: a single PUT or a completed multipart upload).
 */
export interface ObjectStore {
  /** The destination URL it was opened for, e.g. `s3://backups/database/` or `file:///var/backups/`. */
  readonly destination: string;
  /** Streams the body (multipart on S3); buffers and strings are written in one request. */
  put(key: string, body: Readable | Uint8Array | string, options?: PutOptions): Promise<ObjectInfo>;
  /** The object's bytes as a stream (a range when asked); DBA_BACKUP_OBJECT_MISSING when there is none. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  /** The whole object in memory: for manifests and other small objects. */
  getBytes(key: string, options?: GetOptions): Promise<Buffer>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Removes the object; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /**
   * Removes writes under `prefix` that never completed (a worker killed mid-put): temporary files on file://,
   * incomplete multipart uploads on S3. Only for prefixes no live writer uses (a dead backup attempt's).
   */
  removeIncomplete(prefix: string): Promise<number>;
}
