import { compileSpec } from '../../compiler/compileSpec.ts';
import { formatIssuesJson } from '../../compiler/format/formatIssuesJson.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { printSpecIssues } from '../printSpecIssues.ts';
import { runVerb } from '../runVerb.ts';

const help = `Usage: dbarch validate [paths...] [--format text|json]

Validates a spec: YAML files, or directories whose .yaml/.yml files are merged (default: specs).
Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage error (bad flag, no such path).

Options:
  --format text|json  text: compiler-style diagnostics; json: {"valid", "errors", "warnings"}
  -h, --help          this help`;

/** `dbarch validate`: what CI runs on every push. */
export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'validate', help, options: {}, example: 'dbarch validate specs' }, argv, async ({ values, positionals, format }) => {
    // CI reads this output: a format it does not know is a usage error here, not text.
    if (values.format !== 'text' && values.format !== 'json') {
      throw new DbarchError('DBA_USAGE', `dbarch validate: --format must be text or json, not "${values.format}"`, { hint: 'Use `--format text` or `--format json`.' });
    }
    const result = await compileSpec(positionals.length > 0 ? positionals : ['specs']);
    const missingPath = result.errors.some((e) => e.code === 'DBA_SPEC_PATH_NOT_FOUND');
    if (format === 'json') {
      console.log(JSON.stringify(formatIssuesJson(result), null, 2));
    } else {
      printSpecIssues(result);
      console.log(summary(result.valid, result.errors.length, result.warnings.length, result.sources.length, result.revision));
    }
    if (missingPath) return exitCodes.usage;
    return result.valid ? exitCodes.ok : exitCodes.failed;
  });
}

function summary(valid: boolean, errors: number, warnings: number, files: number, revision: string): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (valid) return `valid: ${plural(files, 'file')}, ${plural(warnings, 'warning')} (revision ${revision.slice(0, 12)})`;
  return `invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files, 'file')}`;
}
