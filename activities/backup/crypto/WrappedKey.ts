/** A per-backup data key as stored in the backup's manifest: encrypted by the master key named by keyId. */
export interface WrappedKey {
  /** Which master key wrapped it (a fingerprint, or the KMS key's id); a different key is refused before use. */
  readonly keyId: string;
  /** How it was wrapped: `aes-256-gcm` by a local master key; a KMS provider names its own. */
  readonly algorithm: string;
  /** The wrapped key and whatever the algorithm needs to unwrap it, base64. */
  readonly ciphertext: string;
  readonly nonce?: string;
  readonly tag?: string;
}
