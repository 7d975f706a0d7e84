import { resolveConnectionUrl } from '../../activities/postgres/resolveConnectionUrl.ts';
import type { SecurityStepInput } from './SecurityStepInput.ts';

/** The database a security step works on: its connection reference (resolved here), with its database. */
export function securityTargetUrl(input: SecurityStepInput, fallback: string): string {
  return resolveConnectionUrl({ ...(typeof input.connection === 'string' ? { connection: input.connection } : {}), ...(input.database === undefined ? {} : { database: input.database }) }, fallback);
}
