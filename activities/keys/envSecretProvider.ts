import { DbarchError } from '../../errors/DbarchError.ts';
import type { SecretProvider } from './SecretProvider.ts';

/** `${NAME}`: the worker's environment variable NAME (empty counts as unset). */
export const envSecretProvider: SecretProvider = {
  scheme: 'env',
  read(reference, env) {
    if (reference.kind !== 'env') return Promise.reject(new TypeError('envSecretProvider reads ${NAME} references'));
    const value = env[reference.name];
    if (value === undefined || value === '') {
      return Promise.reject(new DbarchError('DBA_SECRET_UNAVAILABLE', `environment variable ${reference.name} is not set on this worker`, { details: { reference: `\${${reference.name}}` } }));
    }
    return Promise.resolve(value);
  },
};
