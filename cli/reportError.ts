import { DbarchError, isDbarchError } from '../errors/DbarchError.ts';
import { dbarchConfig } from '../runtime/dbarchConfig.ts';
import { exitCodes } from './exitCodes.ts';
import { printErrorIssues } from './printErrorIssues.ts';
import { codedTemporalError } from './temporalErrors.ts';

/**
 * Prints an error the way users should see it: the issues it carries (a spec or plan that cannot be used), then
 * `CODE: message` and a hint for coded errors, a stack trace only for bugs (or with DBARCH_DEBUG=1). Temporal client errors a user can cause (a wrong workflow id, a wrong
 * namespace, the server gone) are classified here, once for every verb. Returns the exit code to use.
 */
export function reportError(error: unknown, format: 'text' | 'json' = 'text'): number {
  const known = isDbarchError(error) ? error : codedTemporalError(error);
  const coded = known ?? new DbarchError('DBA_INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
  const exitCode = coded.code === 'DBA_USAGE' ? exitCodes.usage : exitCodes.failed;
  if (format === 'json') {
    console.log(JSON.stringify({ error: { code: coded.code, message: coded.message, hint: coded.hint, details: coded.details } }));
  } else {
    printErrorIssues(coded.details.issues);
    console.error(`${coded.code}: ${coded.message}`);
    console.error(`hint: ${coded.hint}`);
  }
  if (!known || dbarchConfig().debug) console.error(error);
  return exitCode;
}
