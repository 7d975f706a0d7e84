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
  /** Sub-verbs with options of their own (`backup list`): when argv starts with one, its module parses the rest. */
  readonly subVerbs?: Readonly<Record<string, () => Promise<{ run: (argv: string[]) => Promise<number> }>>>;
}

export type VerbArgs<O extends Options> = ReturnType<typeof parseCommandArgs<O & typeof commonOptions>> & {
  readonly format: 'text' | 'json';
  /** The spec files or directories (the positionals); a usage error when none is given. */
  readonly specPaths: () => string[];
  /** The same after a sub-action (`cache warm <spec>`), the usage error showing `example` (default: the verb's). */
  readonly specPathsAfterAction: (example?: string) => string[];
  /** A usage error (exit 2) with an example (default: the verb's) as its hint. */
  readonly usage: (message: string, example?: string) => DbarchError;
};

/**
 * One verb's frame: its options parsed (unknown flags are usage errors), `--help` printed, `--format` honoured,
 * and every error reported the way users should see it (coded, no stack trace for their mistakes), in the format
 * asked for even when the error came from parsing. The body returns the exit code.
 */
export async function runVerb<const O extends Options>(verb: VerbDefinition<O>, argv: string[], body: (args: VerbArgs<O>) => Promise<number>): Promise<number> {
  const first = argv[0] ?? '';
  const subVerb = verb.subVerbs !== undefined && Object.hasOwn(verb.subVerbs, first) ? verb.subVerbs[first] : undefined;
  if (subVerb) return (await subVerb()).run(argv.slice(1));
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
    const usage = (message: string, example = verb.example) => new DbarchError('DBA_USAGE', message, { hint: `e.g. \`${example}\`` });
    const specPathsFrom = (paths: string[], example?: string) => {
      if (paths.length === 0) throw usage('name the spec file or directory', example);
      return paths;
    };
    return await body({
      ...parsed,
      format,
      usage,
      specPaths: () => specPathsFrom(parsed.positionals),
      specPathsAfterAction: (example) => specPathsFrom(parsed.positionals.slice(1), example),
    });
  } catch (error) {
    return reportError(error, format);
  }
}
