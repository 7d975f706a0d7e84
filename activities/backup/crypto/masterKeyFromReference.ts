import { parseSecretReference } from '../../../compiler/grammar/parseSecretReference.ts';
import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import { readSecret } from '../../keys/readSecret.ts';

/**
 * Reads the local master key that base_backups.encryption_key names through the worker's secret providers:
 * `${NAME}` (an environment variable) or `file:///path` (e.g. a mounted secret). The value is 32 bytes written as
 * base64 or as 64 hex digits, trailing newline allowed. A KMS key (`aws-kms://`) is no secret value: see
 * keyProviderFromReference.
 */
export async function masterKeyFromReference(reference: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const parsed = parseSecretReference(reference);
  // Not echoed: text that is no reference may be the key itself, and this message reaches history and logs.
  if (!parsed.ok) throw new DbarchError('DBA_BACKUP_KEY_INVALID', `the encryption key reference (${reference.length} characters) is not a reference: ${parsed.message}`, parsed.hint ? { hint: parsed.hint } : {});
  const text = await readSecret(reference, env).catch((cause: unknown) => {
    if (!isDbarchError(cause) || cause.code !== 'DBA_SECRET_UNAVAILABLE') throw cause;
    throw new DbarchError('DBA_BACKUP_KEY_MISSING', `the backup encryption key: ${cause.message}`, { cause, ...(cause.details.scheme ? { hint: cause.hint } : {}) });
  });
  return decodeKey(text.trim());
}

function decodeKey(text: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) {
    const key = Buffer.from(text, 'base64');
    if (key.length === 32) return key;
  }
  throw new DbarchError('DBA_BACKUP_KEY_INVALID', 'the backup encryption key is not 32 bytes in base64 or 64 hex digits');
}
