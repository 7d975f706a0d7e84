import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSecretReference } from '../compiler/grammar/parseSecretReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { ErrorCode } from '../errors/registry.ts';

export interface SecretReadOptions {
  /** What the secret is, for messages ("the internal CA"). */
  readonly what: string;
  /** The caller's code for a reference that cannot be read. */
  readonly missing: ErrorCode;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The text behind a secret reference: `${NAME}` (an environment variable) or `file:///path` (a mounted secret).
 * Other providers (vault://, aws-sm://) are not readable here and fail with the caller's code. The synchronous
 * counterpart of activities/keys/readSecret (the worker's providers), for the DatabaseClient constructor, which reads
 * its TLS files before any await.
 */
export function readSecretReference(reference: string, options: SecretReadOptions): string {
  const parsed = parseSecretReference(reference);
  // Not echoed: text that is no reference may be the secret itself (a PEM key passed inline).
  if (!parsed.ok) throw new DbarchError(options.missing, `${options.what} (${reference.length} characters) is not a secret reference: ${parsed.message}`);
  const ref = parsed.value;
  if (ref.kind === 'env') {
    const value = (options.env ?? process.env)[ref.name];
    if (value === undefined || value === '') throw new DbarchError(options.missing, `environment variable ${ref.name} (${options.what}) is not set`);
    return value;
  }
  if (ref.provider !== 'file') {
    throw new DbarchError(options.missing, `secret provider ${ref.provider}:// is not available for ${options.what} yet`, { hint: 'Use ${ENV_NAME} or file:///path.' });
  }
  const path = fileURLToPath(ref.url);
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DbarchError(options.missing, `cannot read ${options.what} from ${path}: ${(cause as Error).message}`, { cause, details: { path } });
  }
}
