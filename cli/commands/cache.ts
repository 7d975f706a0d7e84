import { checkCacheOfSpec } from '../../app/checkCacheOfSpec.ts';
import { warmCacheOfSpec } from '../../app/warmCacheOfSpec.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { outputFormat } from '../outputFormat.ts';
import { parseCommandArgs } from '../parseCommandArgs.ts';
import { reportError } from '../reportError.ts';

const help = `Usage: dbarch cache check <spec> [--sample <n>] [--format text|json]
       dbarch cache warm <spec> [--query <name>]... [--format text|json]

Samples cached entries of every cache_config.ttl_policies[] that has a \`source\` query (up to n per pattern,
default 100, current namespace version only) and compares each with the database: the "cache inconsistency"
diagnosis. Exit status: 0 no stale entry, 1 stale entries found (listed), 2 usage error.
JSON: {"checked", "stale": [{"key", "cached", "actual"}]}.

warm runs cache_config.warming (all, or the --query ones) in cache_config.database and writes each row to Redis
under its key with its TTL. Exit status: 0 warmed, 1 a query failed, 2 usage error.
JSON: {"queries": [{"name", "rows", "cached", "skipped"}]}.`;

/** `dbarch cache check <spec>`. */
export async function run(argv: string[]): Promise<number> {
  let format = outputFormat(argv);
  try {
    const { values, positionals } = parseCommandArgs('cache', argv, {
      sample: { type: 'string', default: '100' },
      query: { type: 'string', multiple: true },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help === true) {
      console.log(help);
      return exitCodes.ok;
    }
    format = values.format === 'json' ? 'json' : 'text';
    const [action, ...paths] = positionals;
    if (action === 'warm') {
      if (paths.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch cache warm specs/platform.yaml`' });
      const report = await warmCacheOfSpec(paths, values.query ?? [], format === 'json' ? undefined : (done) => console.error(`warmed ${done} queries`));
      if (format === 'json') console.log(JSON.stringify(report));
      else for (const q of report.queries) console.log(`${q.name}: ${q.rows} rows, ${q.cached} cached, ${q.skipped} skipped (no TTL applies to their keys)`);
      return exitCodes.ok;
    }
    if (action !== 'check') throw new DbarchError('DBA_USAGE', `dbarch cache: unknown action ${action === undefined ? '(none)' : `"${action}"`}`, { hint: 'e.g. `dbarch cache check specs/platform.yaml` or `dbarch cache warm specs/platform.yaml`' });
    if (paths.length === 0) throw new DbarchError('DBA_USAGE', 'name the spec file or directory', { hint: 'e.g. `dbarch cache check specs/platform.yaml`' });
    const sample = Number(values.sample);
    if (!Number.isInteger(sample) || sample < 1) throw new DbarchError('DBA_USAGE', `--sample must be a positive integer, not "${values.sample}"`);
    const report = await checkCacheOfSpec(paths, sample);
    if (format === 'json') console.log(JSON.stringify(report));
    else {
      for (const entry of report.stale) console.log(`stale ${entry.key}: cached ${JSON.stringify(entry.cached)}, database ${JSON.stringify(entry.actual)}`);
      console.log(`${report.checked} entries checked, ${report.stale.length} stale`);
    }
    return report.stale.length === 0 ? exitCodes.ok : exitCodes.failed;
  } catch (error) {
    return reportError(error, format);
  }
}
