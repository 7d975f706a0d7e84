import { isDbarchError } from '../errors/DbarchError.ts';

/**
 * How wal-push / wal-fetch report a failure: one `CODE: message` line and its hint on stderr (PostgreSQL writes
 * them to the server log), with the exit status PostgreSQL acts on. Not reportError: that one loads the Temporal
 * client's error classes, which would cost every archived segment a few hundred milliseconds.
 */
export function reportWalCommandError(error: unknown, exitCode: number): number {
  if (isDbarchError(error)) {
    console.error(`${error.code}: ${error.message}`);
    console.error(`hint: ${error.hint}`);
    if (process.env.DBARCH_DEBUG === '1') console.error(error);
    return error.code === 'DBA_USAGE' ? 2 : exitCode;
  }
  console.error(exitCode === 2 ? `DBA_USAGE: ${(error as Error).message}` : error);
  return exitCode;
}
