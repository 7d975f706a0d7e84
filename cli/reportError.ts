import { DbarchError, isDbarchError } from '../errors/DbarchError.ts';
import { exitCodes } from './exitCodes.ts';

/**
 * Prints an error the way users should see it: `CODE: message` and a hint for coded errors, a stack trace only
 * for bugs (or with DBARCH_DEBUG=1). Returns the exit code to use.
 */
export function reportError(error: unknown, format: 'text' | 'json' = 'text'): number {
  const coded = isDbarchError(error) ? error : new DbarchError('DBA_INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
  const exitCode = coded.code === 'DBA_USAGE' ? exitCodes.usage : exitCodes.failed;
  if (format === 'json') {
    console.log(JSON.stringify({ error: { code: coded.code, message: coded.message, hint: coded.hint, details: coded.details } }));
  } else {
    console.error(`${coded.code}: ${coded.message}`);
    console.error(`hint: ${coded.hint}`);
  }
  if (!isDbarchError(error) || process.env.DBARCH_DEBUG === '1') console.error(error);
  return exitCode;
}
