import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { SecretProvider } from './SecretProvider.ts';

/** `file:///path`: a file on the worker (a mounted Kubernetes or Docker secret), read whole. */
export const fileSecretProvider: SecretProvider = {
  scheme: 'file',
  async read(reference) {
    if (reference.kind !== 'provider') throw new TypeError('fileSecretProvider reads file:// references');
    const path = fileURLToPath(reference.url);
    return readFile(path, 'utf8').catch((cause: unknown) => {
      throw new DbarchError('DBA_SECRET_UNAVAILABLE', `cannot read the secret file ${path}: ${(cause as Error).message}`, { cause, details: { reference: reference.url } });
    });
  },
};
