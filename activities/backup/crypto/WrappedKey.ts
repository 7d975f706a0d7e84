/** A per-backup data key as stored in the backup's manifest: encrypted by the master key named by keyId. */
export interface WrappedKey {
  /** Which master key wrapped it (a fingerprint, or the KMS key's ARN); a different key is refused before use. */
  readonly keyId: string;
  /** How it was wrapped: `aes-256-gcm` by a local master key, `aws-kms` by a KMS key (ciphertext: the KMS blob). */
  readonly algorithm: string;
  /** The wrapped key and whatever the algorithm needs to unwrap it, base64. */
  readonly ciphertext: string;
  readonly nonce?: string;
  readonly tag?: string;
  /** When it was wrapped (ISO): key rotation re-wraps what was wrapped before it started. Absent in older manifests. */
  readonly wrappedAt?: string;
}
