import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the keys capability: the KMS that wraps backup data keys, and their rotation. */
export const keyCodes = defineCodes({
  DBA_KMS_REFERENCE_INVALID: {
    summary: 'An `aws-kms://` key reference does not name a key: it needs a key id, key ARN, alias name or alias ARN.',
    hint: 'Write e.g. `aws-kms://alias/dbarch-backups`, `aws-kms://1234abcd-12ab-34cd-56ef-1234567890ab` or `aws-kms://arn:aws:kms:eu-west-2:111122223333:key/…`.',
    retryable: false,
  },
  DBA_KMS_UNREACHABLE: {
    summary: 'The KMS did not answer (connection refused, timeout, throttling or a server error); no data key was wrapped or unwrapped and nothing was written.',
    hint: 'Check the KMS endpoint (security_config.encryption.at_rest.endpoint, AWS_ENDPOINT_URL_KMS) and region from the worker; the operation is retried.',
    retryable: true,
  },
  DBA_KMS_KEY_NOT_FOUND: {
    summary: 'The KMS has no key under the id or alias the reference names (in that account and region).',
    hint: 'Create the key and alias (`aws kms create-key`, `aws kms create-alias`) or correct security_config.encryption.at_rest.key_id and region.',
    retryable: false,
  },
  DBA_KMS_KEY_UNUSABLE: {
    summary: 'The KMS key exists but cannot be used now: it is disabled, pending deletion or pending import.',
    hint: 'Enable the key (`aws kms enable-key`) or cancel its deletion; backups wrapped by it do not restore until then.',
    retryable: false,
  },
  DBA_KMS_ACCESS_DENIED: {
    summary: 'The KMS refused the worker\'s credentials for this key (kms:Encrypt, kms:Decrypt or kms:DescribeKey missing from its policy).',
    hint: 'Grant the worker\'s role kms:Encrypt, kms:Decrypt and kms:DescribeKey on the key.',
    retryable: false,
  },
  DBA_SECRET_UNAVAILABLE: {
    summary: 'A secret reference could not be read on the worker: the environment variable is unset, the file is unreadable, or no secret provider serves its scheme.',
    hint: 'Set the variable or mount the file on every worker (secrets are resolved only there), or register a SecretProvider for the scheme (vault://, aws-sm://).',
    retryable: false,
  },
});
