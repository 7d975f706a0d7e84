import type { KMSClient } from '@aws-sdk/client-kms';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { KeyProvider } from './KeyProvider.ts';
import type { KmsSettings } from './KmsSettings.ts';
import { kmsFailure } from './kmsFailure.ts';
import type { WrappedKey } from './WrappedKey.ts';

export const kmsAlgorithm = 'aws-kms';
/** Binds a wrapped key to its purpose, as localKeyProvider's AAD does: KMS refuses Decrypt without the same context. */
const encryptionContext = { purpose: 'dbarch backup data key v1' };

/**
 * The master key stays in AWS KMS (or local-kms): a data key is wrapped with Encrypt and unwrapped with Decrypt
 * (naming the key recorded in the wrapped key, so a ciphertext of another key is refused by KMS itself). The
 * wrapped key records the key's ARN that KMS reports, so after an alias moves to a new key the manifests show
 * which key holds each backup; Decrypt works for every key the worker may use, old and new. The SDK is imported
 * here, only when a KMS reference is used, so commands without KMS do not pay for loading it.
 */
export async function awsKmsKeyProvider(settings: KmsSettings): Promise<KeyProvider> {
  const sdk = await import('@aws-sdk/client-kms');
  const client: KMSClient = new sdk.KMSClient({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
    // A KMS that does not answer fails the step in seconds (retried by the step's policy), not after the SDK's minutes.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 },
  });
  const call = async <T>(operation: string, keyId: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw kmsFailure(error, keyId, operation);
    }
  };
  return {
    keyId: settings.keyId,
    algorithm: kmsAlgorithm,
    versioned: true,
    async currentKeyId() {
      const described = await call('DescribeKey', settings.keyId, () => client.send(new sdk.DescribeKeyCommand({ KeyId: settings.keyId })));
      const arn = described.KeyMetadata?.Arn;
      if (arn === undefined) throw new DbarchError('DBA_KMS_KEY_NOT_FOUND', `KMS DescribeKey of ${settings.keyId} named no key`);
      return arn;
    },
    async wrapKey(dataKey: Buffer): Promise<WrappedKey> {
      const out = await call('Encrypt', settings.keyId, () => client.send(new sdk.EncryptCommand({ KeyId: settings.keyId, Plaintext: dataKey, EncryptionContext: encryptionContext })));
      if (out.CiphertextBlob === undefined || out.KeyId === undefined) throw new DbarchError('DBA_KMS_UNREACHABLE', `KMS Encrypt with ${settings.keyId} returned no ciphertext`);
      return { keyId: out.KeyId, algorithm: kmsAlgorithm, ciphertext: Buffer.from(out.CiphertextBlob).toString('base64'), wrappedAt: new Date().toISOString() };
    },
    async unwrapKey(wrapped: WrappedKey): Promise<Buffer> {
      if (wrapped.algorithm !== kmsAlgorithm) {
        throw new DbarchError('DBA_BACKUP_KEY_WRONG', `the backup's data key was wrapped by master key ${wrapped.keyId} (${wrapped.algorithm}), not by a KMS key; the key given is ${settings.keyId}`, {
          details: { expectedKeyId: wrapped.keyId, givenKeyId: settings.keyId },
        });
      }
      const out = await call('Decrypt', wrapped.keyId, () =>
        client.send(new sdk.DecryptCommand({ KeyId: wrapped.keyId, CiphertextBlob: Buffer.from(wrapped.ciphertext, 'base64'), EncryptionContext: encryptionContext })),
      );
      if (out.Plaintext?.length !== 32) throw new DbarchError('DBA_BACKUP_KEY_WRONG', `KMS Decrypt with ${wrapped.keyId} gave no 32-byte data key`);
      return Buffer.from(out.Plaintext);
    },
  };
}
