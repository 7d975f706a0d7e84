import { DbarchError } from '../../errors/DbarchError.ts';
import { ensureSearchAttributes } from '../../runtime/ensureSearchAttributes.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch temporal setup [--format text|json]

Prepares the Temporal namespace (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) for dbarch: registers the search
attributes the UI filters on (DbarchEnvironment, DbarchOperation, DbarchSpecRevision, DbarchAwaitingApproval)
through the operator service, adding only those missing, and prints what it added and found. Workers do the
same when they start. Where this client may not (no operator rights; Temporal Cloud) it exits 1 with
DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING and the \`temporal operator search-attribute create\` commands to run.
JSON: {"namespace", "added": [...], "present": [...]}.`;

export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'temporal', help, options: {}, example: 'dbarch temporal setup' }, argv, async ({ positionals, format }) => {
    if (positionals[0] !== 'setup' || positionals.length > 1) {
      throw new DbarchError('DBA_USAGE', `dbarch temporal: expected \`setup\`, got ${positionals.length ? `\`${positionals.join(' ')}\`` : 'nothing'}`, { hint: 'Run `dbarch temporal --help`.' });
    }
    return withTemporal(async (temporal) => {
      const ensured = await ensureSearchAttributes(temporal.connection, temporal.namespace);
      if (format === 'json') console.log(JSON.stringify(ensured));
      else {
        console.log(`Temporal ${temporal.address}, namespace ${ensured.namespace}: search attributes ready`);
        if (ensured.added.length > 0) console.log(`  added    ${ensured.added.join(', ')}`);
        if (ensured.present.length > 0) console.log(`  present  ${ensured.present.join(', ')}`);
      }
      return exitCodes.ok;
    });
  });
}
