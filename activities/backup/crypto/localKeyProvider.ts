import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { KeyProvider } from './KeyProvider.ts';
import type { WrappedKey } from './WrappedKey.ts';

const algorithm = 'aes-256-gcm';
/** Binds a wrapped key to its purpose: a wrapped data key cannot be passed off as anything else. */
const wrapAad = Buffer.from('dbarch backup data key v1');

/**
 * A master key held in memory (from an env var or a file: see masterKeyFromReference). Data keys are wrapped with
 * AES-256-GCM under it; its id is a truncated HMAC of the key, so manifests can name it without revealing it.
 */
export function localKeyProvider(masterKey: Buffer): KeyProvider {
  if (masterKey.length !== 32) throw new DbarchError('DBA_BACKUP_KEY_INVALID', `a master key has 32 bytes, this one ${masterKey.length}`);
  const keyId = `local:${createHmac('sha256', masterKey).update('dbarch master key id').digest('hex').slice(0, 16)}`;
  return {
    keyId,
    algorithm,
    versioned: false,
    currentKeyId: () => Promise.resolve(keyId),
    wrapKey(dataKey: Buffer): Promise<WrappedKey> {
      const nonce = randomBytes(12);
      const cipher = createCipheriv(algorithm, masterKey, nonce).setAAD(wrapAad);
      const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return Promise.resolve({ keyId, algorithm, ciphertext: ciphertext.toString('base64'), nonce: nonce.toString('base64'), tag: cipher.getAuthTag().toString('base64'), wrappedAt: new Date().toISOString() });
    },
    unwrapKey(wrapped: WrappedKey): Promise<Buffer> {
      if (wrapped.keyId !== keyId || wrapped.algorithm !== algorithm || wrapped.nonce === undefined || wrapped.tag === undefined) {
        return Promise.reject(
          new DbarchError('DBA_BACKUP_KEY_WRONG', `the backup's data key was wrapped by master key ${wrapped.keyId}, the key given is ${keyId}`, {
            details: { expectedKeyId: wrapped.keyId, givenKeyId: keyId },
          }),
        );
      }
      try {
        const decipher = createDecipheriv(algorithm, masterKey, Buffer.from(wrapped.nonce, 'base64')).setAAD(wrapAad);
        decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
        return Promise.resolve(Buffer.concat([decipher.update(Buffer.from(wrapped.ciphertext, 'base64')), decipher.final()]));
      } catch (cause) {
        return Promise.reject(new DbarchError('DBA_BACKUP_KEY_WRONG', `the data key of master key ${keyId} does not unwrap (wrong key or a damaged manifest)`, { cause }));
      }
    },
  };
}
