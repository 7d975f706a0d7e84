import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DbarchError } from '../errors/DbarchError.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, with unknown flags and bad values turned into a DBA_USAGE error (exit 2). */
export function parseCommandArgs<const O extends Options>(verb: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new DbarchError('DBA_USAGE', `dbarch ${verb}: ${(error as Error).message}`, { hint: `Run \`dbarch ${verb} --help\`.` });
  }
}
