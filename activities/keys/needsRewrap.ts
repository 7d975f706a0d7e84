import type { WrappedKey } from '../backup/crypto/WrappedKey.ts';

/**
 * Whether a stored data key must be re-wrapped to be under the current master key: it names another key, or the
 * key has versions (KMS) and it was wrapped before this rotation began (`cutoff`). What a run re-wrapped carries
 * a later `wrappedAt`, so a retried or resumed run with the same cutoff skips it.
 */
export function needsRewrap(wrapped: WrappedKey, current: { readonly keyId: string; readonly versioned: boolean }, cutoff: string): boolean {
  if (wrapped.keyId !== current.keyId) return true;
  if (!current.versioned) return false;
  return wrapped.wrappedAt === undefined || wrapped.wrappedAt < cutoff;
}
