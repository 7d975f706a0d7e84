import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';

export interface ConnectionInput {
  /** A connection reference, `${ENV}` (resolved on the worker, never stored resolved); default DATABASE_URL. */
  readonly connection?: string;
  /** Database on that server; replaces the URL's database. */
  readonly database?: string;
}

/** The URL a step connects to: the reference resolved from the worker's environment, then the named database. */
export function resolveConnectionUrl(input: ConnectionInput, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  let url = fallback;
  if (input.connection !== undefined) {
    const resolved = resolveEnvReferences(input.connection, env);
    if (!resolved.ok) throw new DbarchError('DBA_STEP_CONNECTION', `connection ${input.connection}: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
    url = resolved.value;
  }
  if (input.database === undefined) return url;
  try {
    const parsed = new URL(url);
    parsed.pathname = `/${encodeURIComponent(input.database)}`;
    return parsed.toString();
  } catch {
    throw new DbarchError('DBA_STEP_CONNECTION', `connection reference ${input.connection ?? 'DATABASE_URL'} does not resolve to a URL`);
  }
}
