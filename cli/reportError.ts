import { DbarchError, isDbarchError } from '../errors/DbarchError.ts';
import { exitCodes } from './exitCodes.ts';
import { codedTemporalError } from './temporalErrors.ts';

/**
 * Prints an error the way users should see it: `CODE: message` and a hint for coded errors, a stack trace only
 * for bugs (or with DBARCH_DEBUG=1). Temporal client errors a user can cause (a wrong workflow id, a wrong
 * namespace, the server gone) are classified here, once for every verb. Returns the exit code to use.
 */
export function reportError(error: unknown, format: 'text' | 'json' = 'text'): number {
  const known = isDbarchError(error) ? error : codedTemporalError(error);
  const coded = known ?? new DbarchError('DBA_INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
  const exitCode = coded.code === 'DBA_USAGE' ? exitCodes.usage : exitCodes.failed;
  if (format === 'json') {
    console.log(JSON.stringify({ error: { code: coded.code, message: coded.message, hint: coded.hint, details: coded.details } }));
  } else {
    console.error(`${coded.code}: ${coded.message}`);
    console.error(`hint: ${coded.hint}`);
  }
  if (!known || process.env.DBARCH_DEBUG === '1') console.error(error);
  return exitCode;
}
