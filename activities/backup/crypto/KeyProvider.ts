import type { WrappedKey } from './WrappedKey.ts';

/**
 * Holds the master key that wraps each backup's data key. The master key never touches a backup: only the data
 * key, wrapped, is stored in the manifest. localKeyProvider keeps a 32-byte key from an env var or a file; the
 * security issue adds a KMS provider behind this same interface (wrap = Encrypt, unwrap = Decrypt).
 */
export interface KeyProvider {
  /** Stable id of the master key, recorded in manifests; unwrapKey refuses a WrappedKey with another id. */
  readonly keyId: string;
  wrapKey(dataKey: Buffer): Promise<WrappedKey>;
  /** DBA_BACKUP_KEY_WRONG when the wrapped key was not made by this master key. */
  unwrapKey(wrapped: WrappedKey): Promise<Buffer>;
}
