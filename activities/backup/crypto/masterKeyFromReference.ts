import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseSecretReference } from '../../../compiler/grammar/parseSecretReference.ts';
import { DbarchError } from '../../../errors/DbarchError.ts';

/**
 * Reads the master key that base_backups.encryption_key names: `${NAME}` (an environment variable) or
 * `file:///path` (e.g. a mounted secret). The value is 32 bytes written as base64 or as 64 hex digits, trailing
 * newline allowed; other providers (vault://, aws-sm://, KMS) come through KeyProvider implementations of their own.
 */
export async function masterKeyFromReference(reference: string, env: NodeJS.ProcessEnv = process.env): Promise<Buffer> {
  const parsed = parseSecretReference(reference);
  if (!parsed.ok) throw new DbarchError('DBA_BACKUP_KEY_INVALID', `encryption key reference ${JSON.stringify(reference)} is not a reference: ${parsed.message}`);
  const ref = parsed.value;
  let text: string;
  if (ref.kind === 'env') {
    const value = env[ref.name];
    if (value === undefined || value === '') throw new DbarchError('DBA_BACKUP_KEY_MISSING', `environment variable ${ref.name} (the backup encryption key) is not set`);
    text = value;
  } else if (ref.provider === 'file') {
    const path = fileURLToPath(ref.url);
    text = await readFile(path, 'utf8').catch((cause: unknown) => {
      throw new DbarchError('DBA_BACKUP_KEY_MISSING', `cannot read the backup encryption key file ${path}: ${(cause as Error).message}`, { cause });
    });
  } else {
    throw new DbarchError('DBA_BACKUP_KEY_MISSING', `secret provider ${ref.provider}:// is not available for backup keys yet`, {
      hint: 'Use ${ENV_NAME} or file:///path for now; KMS providers plug in as a KeyProvider.',
    });
  }
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
