import type { SecretReference } from '../../compiler/grammar/parseSecretReference.ts';

/**
 * Reads the value a secret reference names, on the worker (a value never enters a plan or Temporal history: only
 * its reference does). env and file are built in; a Vault or AWS Secrets Manager provider implements this for its
 * scheme (`vault://…`, `aws-sm://…`) and is passed to readSecret. Errors are coded: DBA_SECRET_UNAVAILABLE when the
 * value cannot be had (unset, unreadable, denied), retryable or not as the provider knows.
 */
export interface SecretProvider {
  /** `env` for `${NAME}`, else the URL scheme it serves (`file`, `vault`, `aws-sm`, …). */
  readonly scheme: string;
  read(reference: SecretReference, env: NodeJS.ProcessEnv): Promise<string>;
}
