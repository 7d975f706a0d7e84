import { kmsScheme, parseKmsKeyReference } from '../../../compiler/grammar/parseKmsKeyReference.ts';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { awsKmsKeyProvider } from './awsKmsKeyProvider.ts';
import type { KeyProvider } from './KeyProvider.ts';
import { kmsSettingsOf } from './KmsSettings.ts';
import { localKeyProvider } from './localKeyProvider.ts';
import { masterKeyFromReference } from './masterKeyFromReference.ts';

/**
 * The key provider an encryption key reference names, opened on the worker: `aws-kms://<key>` a KMS key (nothing
 * secret is read), anything else a local master key read through the secret providers (`${NAME}`, `file:///…`).
 */
export async function keyProviderFromReference(reference: string, env: NodeJS.ProcessEnv = process.env): Promise<KeyProvider> {
  if (reference.startsWith(kmsScheme)) {
    const parsed = parseKmsKeyReference(reference);
    if (!parsed.ok) throw new DbarchError(parsed.code, parsed.message, parsed.hint ? { hint: parsed.hint } : {});
    return awsKmsKeyProvider(kmsSettingsOf(parsed.value, env));
  }
  return localKeyProvider(await masterKeyFromReference(reference, env));
}
