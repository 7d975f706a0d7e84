import { DbarchError } from '../../../errors/DbarchError.ts';

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const wrongKey = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);
const unusable = new Set(['DisabledException', 'KMSInvalidStateException', 'KeyUnavailableException']);
const unreachable = new Set(['KMSInternalException', 'DependencyTimeoutException', 'ThrottlingException', 'LimitExceededException', 'TimeoutError', 'RequestTimeout']);

/**
 * A KMS failure as a coded error, by the AWS error name (the API's contract, never its message): the key is
 * missing, unusable, not the one that wrapped, access is denied, or the KMS is not reachable (no HTTP answer, 5xx,
 * throttling), which is the only retryable case.
 */
export function kmsFailure(error: unknown, keyId: string, operation: string): DbarchError {
  const e = error as SdkError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  const details = { keyId, operation, awsError: name };
  const what = `KMS ${operation} with key ${keyId}`;
  if (name === 'NotFoundException') return new DbarchError('DBA_KMS_KEY_NOT_FOUND', `${what}: no such key or alias`, { cause: error, details });
  if (unusable.has(name)) return new DbarchError('DBA_KMS_KEY_UNUSABLE', `${what}: the key is disabled or pending deletion (${name})`, { cause: error, details });
  if (wrongKey.has(name)) return new DbarchError('DBA_BACKUP_KEY_WRONG', `${what}: the wrapped data key was not made by this key (${name})`, { cause: error, details });
  if (name === 'ValidationException' || name === 'InvalidArnException') return new DbarchError('DBA_KMS_REFERENCE_INVALID', `${what}: the KMS refused the key id (${name})`, { cause: error, details });
  if (name === 'AccessDeniedException' || status === 401 || status === 403) return new DbarchError('DBA_KMS_ACCESS_DENIED', `${what}: access denied`, { cause: error, details });
  if (unreachable.has(name) || status === undefined || status >= 500) {
    return new DbarchError('DBA_KMS_UNREACHABLE', `${what}: the KMS did not answer (${name || 'no response'}: ${e.message ?? ''})`, { cause: error, details });
  }
  return new DbarchError('DBA_KMS_KEY_UNUSABLE', `${what} failed: ${name} ${e.message ?? ''}`, { cause: error, details });
}
