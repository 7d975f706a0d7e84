import { buildRootSchema } from '../../compiler/buildRootSchema.ts';
import { suggestionHint } from '../../compiler/didYouMean.ts';
import { builtinSections } from '../../compiler/sections/builtinSections.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

const help = `Usage: dbarch schema [section]

Prints the JSON Schema of the whole spec, or of one section. For editor completion and checks:
  dbarch schema > dbarch.schema.json
and start each spec file with
  # yaml-language-server: $schema=./dbarch.schema.json

Sections: ${builtinSections.map((s) => s.key).join(', ')}`;

/** `dbarch schema [section]`: the schemas the compiler validates with, for editors and other tools. */
export function run(argv: string[]): Promise<number> {
  return Promise.resolve(printSchema(argv));
}

function printSchema(argv: string[]): number {
  try {
    const { values, positionals } = parseCommandArgs('schema', argv, { help: { type: 'boolean', short: 'h' } });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    const root = buildRootSchema(builtinSections);
    const [key, ...extra] = positionals;
    if (extra.length > 0) throw new DbarchError('DBA_USAGE', 'dbarch schema takes at most one section name', { hint: 'Run `dbarch schema --help`.' });
    if (key === undefined) {
      console.log(JSON.stringify(root, null, 2));
      return exitCodes.ok;
    }
    const section = builtinSections.find((s) => s.key === key);
    if (section === undefined) {
      const keys = builtinSections.map((s) => s.key);
      throw new DbarchError('DBA_USAGE', `dbarch schema: no section named "${key}"`, { hint: suggestionHint(key, keys) });
    }
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: section.title, description: section.description, ...section.schema };
    console.log(JSON.stringify(schema, null, 2));
    return exitCodes.ok;
  } catch (error) {
    return reportError(error);
  }
}
