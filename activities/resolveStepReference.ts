import { resolveEnvReferences } from '../compiler/grammar/envReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';

/**
 * Resolves a step input's `${ENV:-default}` reference on the worker, where the environment that holds it is; an
 * unset variable is DBA_STEP_CONNECTION naming the input (`destination ${BACKUP_URL}: …`), not a retry.
 */
export function resolveStepReference(reference: string, what: string): string {
  const result = resolveEnvReferences(reference, process.env);
  if (!result.ok) throw new DbarchError('DBA_STEP_CONNECTION', `${what} ${reference}: ${result.message}`);
  return result.value;
}
