import type { WrappedKey } from './WrappedKey.ts';

/**
 * Holds the master key that wraps each backup's data key. The master key never touches a backup: only the data
 * key, wrapped, is stored in the manifest. localKeyProvider keeps a 32-byte key from a secret reference (env, file);
 * awsKmsKeyProvider leaves it in AWS KMS (wrap = Encrypt, unwrap = Decrypt). keyProviderFromReference picks one.
 */
export interface KeyProvider {
  /** The master key as configured: a fingerprint (local), the key id or alias the reference names (KMS). */
  readonly keyId: string;
  /** The WrappedKey.algorithm it writes and reads (`aes-256-gcm`, `aws-kms`). */
  readonly algorithm: string;
  /**
   * Whether the key has versions under one id (KMS rotation keeps the key id and adds backing keys), so a wrapped
   * key naming the current id may still be under an old version: rotation then goes by `wrappedAt`.
   */
  readonly versioned: boolean;
  /** The id wrapKey records now (a KMS alias resolves to its key's ARN); what rotation compares wrapped keys with. */
  currentKeyId(): Promise<string>;
  wrapKey(dataKey: Buffer): Promise<WrappedKey>;
  /** DBA_BACKUP_KEY_WRONG when the wrapped key was not made by this master key. */
  unwrapKey(wrapped: WrappedKey): Promise<Buffer>;
}
