import { parseSecretReference } from '../../compiler/grammar/parseSecretReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { envSecretProvider } from './envSecretProvider.ts';
import { fileSecretProvider } from './fileSecretProvider.ts';
import type { SecretProvider } from './SecretProvider.ts';

export const builtinSecretProviders: readonly SecretProvider[] = [envSecretProvider, fileSecretProvider];

/**
 * The value of a secret reference, read by the provider of its scheme. DBA_SPEC_INLINE_SECRET when the text is not
 * a reference, DBA_SECRET_UNAVAILABLE when no provider serves its scheme or the provider cannot read it.
 */
export async function readSecret(reference: string, env: NodeJS.ProcessEnv = process.env, providers: readonly SecretProvider[] = builtinSecretProviders): Promise<string> {
  const parsed = parseSecretReference(reference);
  // Not echoed: text that is no reference may be the secret itself, and this message reaches history and logs.
  if (!parsed.ok) throw new DbarchError(parsed.code, `a secret reference (${reference.length} characters) is not a reference: ${parsed.message}`, parsed.hint ? { hint: parsed.hint } : {});
  const scheme = parsed.value.kind === 'env' ? 'env' : parsed.value.provider;
  const provider = providers.find((p) => p.scheme === scheme);
  if (provider === undefined) {
    throw new DbarchError('DBA_SECRET_UNAVAILABLE', `no secret provider for ${scheme}:// on this worker (it has ${providers.map((p) => p.scheme).join(', ')})`, {
      hint: 'Use ${ENV_NAME} or file:///path, or register a SecretProvider for the scheme.',
      details: { scheme },
    });
  }
  return provider.read(parsed.value, env);
}
