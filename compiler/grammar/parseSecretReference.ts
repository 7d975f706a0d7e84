import { grammarFail, grammarOk, type GrammarResult } from './GrammarResult.ts';
import { containsEnvReference, wholeEnvReference } from './envReference.ts';

export type SecretReference =
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'provider'; readonly provider: string; readonly url: string };

/** Secret-provider URL schemes a secrets activity knows how to read (`aws-kms://`: a KMS key that wraps data keys, not a value). */
export const secretProviders = ['vault', 'aws-sm', 'aws-kms', 'gcp-sm', 'azure-kv', 'k8s-secret', 'file'] as const;

/**
 * Secrets are references only: `${NAME}` (no default: a default would put the secret in git) or a provider URL
 * such as `vault://secret/data/db#password`, `aws-sm://prod/db-password`, `file:///run/secrets/db`.
 */
export function parseSecretReference(text: string): GrammarResult<SecretReference> {
  const env = wholeEnvReference(text);
  if (env !== undefined) {
    if (env.default !== undefined && env.default !== '') {
      return grammarFail('DBA_SPEC_INLINE_SECRET', `secret reference \${${env.name}:-…} has a default, which puts the secret inline`, `write \`\${${env.name}}\` without a default`);
    }
    return grammarOk({ kind: 'env', name: env.name });
  }
  const m = /^([a-z][a-z0-9-]*):\/\/(.+)$/.exec(text);
  if (m !== null && (secretProviders as readonly string[]).includes(m[1]!)) return grammarOk({ kind: 'provider', provider: m[1]!, url: text });
  if (containsEnvReference(text)) {
    return grammarFail('DBA_SPEC_INLINE_SECRET', 'a secret must be one whole reference, not text around a reference', 'write `${NAME}` alone');
  }
  return grammarFail('DBA_SPEC_INLINE_SECRET', 'secret value is written inline', `write \`\${ENV_NAME}\` or a provider URL (${secretProviders.map((p) => `${p}://`).join(', ')})`);
}
