import { spawnTs } from '../support/childProcess.ts';

export interface CliRun {
  readonly code: number | string;
  /** stdout and stderr interleaved. */
  readonly output: string;
}

/** `bin/dbarch.js <args>` as a user runs it, to its exit. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawnTs('bin/dbarch.js', args, { DBARCH_LOG_LEVEL: 'warn', DBARCH_DEBUG: undefined, ...env });
  const code = await child.exited;
  return { code, output: child.output() };
}

/** A stack trace line (`    at fn (file:1:2)`): users must never see one for a coded error. */
export const stackTrace = /\n\s+at /;
