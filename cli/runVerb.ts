import type { ParseArgsConfig } from 'node:util';
import { DbarchError } from '../errors/DbarchError.ts';
import { exitCodes } from './exitCodes.ts';
import { outputFormat } from './outputFormat.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';
import { reportError } from './reportError.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every verb takes. */
const commonOptions = {
  format: { type: 'string', default: 'text' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface VerbDefinition<O extends Options> {
  /** As typed after `dbarch`: `relay`, `backup configure`. */
  readonly name: string;
  readonly help: string;
  /** The verb's own options; `--format` and `-h/--help` are added. */
  readonly options: O;
  /** A command line to show in usage hints, e.g. `dbarch relay specs/platform.yaml`. */
  readonly example: string;
}

export type VerbArgs<O extends Options> = ReturnType<typeof parseCommandArgs<O & typeof commonOptions>> & {
  readonly format: 'text' | 'json';
  /** The spec files or directories (the positionals); a usage error when none is given. */
  readonly specPaths: () => string[];
  /** A usage error (exit 2) with the verb's example as its hint. */
  readonly usage: (message: string) => DbarchError;
};

/**
 * One verb's frame: its options parsed (unknown flags are usage errors), `--help` printed, `--format` honoured,
 * and every error reported the way users should see it (coded, no stack trace for their mistakes), in the format
 * asked for even when the error came from parsing. The body returns the exit code.
 */
export async function runVerb<const O extends Options>(verb: VerbDefinition<O>, argv: string[], body: (args: VerbArgs<O>) => Promise<number>): Promise<number> {
  let format = outputFormat(argv);
  try {
    const parsed = parseCommandArgs(verb.name, argv, { ...verb.options, ...commonOptions });
    // The common options' types, which TypeScript cannot see through the generic merge.
    const common = parsed.values as { readonly help?: boolean; readonly format?: string };
    if (common.help === true) {
      console.log(verb.help);
      return exitCodes.ok;
    }
    format = common.format === 'json' ? 'json' : 'text';
    const usage = (message: string) => new DbarchError('DBA_USAGE', message, { hint: `e.g. \`${verb.example}\`` });
    return await body({
      ...parsed,
      format,
      usage,
      specPaths: () => {
        if (parsed.positionals.length === 0) throw usage('name the spec file or directory');
        return parsed.positionals;
      },
    });
  } catch (error) {
    return reportError(error, format);
  }
}
