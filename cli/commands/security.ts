import { securityDiffOfSpec, securityWorkflowId, type SecurityDiff } from '../../app/securityDiffOfSpec.ts';
import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { awaitPlanRunExitCode } from '../awaitPlanRunExitCode.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch security plan <spec> --env <name> [--format text|json]
       dbarch security apply <spec> --env <name> [--wait] [--format text|json]

plan: compares security_config (roles, members, grants, default privileges, no_ddl/no_truncate, row-level
security) with the environment's live catalogue and lists every change; "drift" marks what was granted or made
by hand and will be revoked or dropped. Changes nothing. JSON: {"database", "changes": [{"kind", "sql", "drift"}], "drift"}.
apply: the same diff, then starts dbarch/security (diff → approval in protected environments → apply in one
transaction) as workflow security:<env>:<digest of the changes>; nothing to change starts nothing.
JSON: {"workflowId", "runId", "uiUrl"} or {"changes": []}. --wait waits for the end (approvals included).`;

function printDiff(diff: SecurityDiff): void {
  const { report } = diff;
  for (const change of report.changes) console.log(`${change.drift ? '- drift ' : '+ '}${change.sql.replace(/\n/g, ' ')}`);
  console.log(report.changes.length === 0
    ? `${report.database}: in sync with security_config`
    : `${report.database}: ${report.changes.length} changes, ${report.drift} of them drift`);
}

/** `dbarch security plan|apply <spec> --env <name>`. */
export function run(argv: string[]): Promise<number> {
  const options = { env: { type: 'string' }, wait: { type: 'boolean' } } as const;
  return runVerb({ name: 'security', help, options, example: 'dbarch security plan specs/platform.yaml --env development' }, argv, async ({ values, positionals, format, usage, specPathsAfterAction }) => {
    const [action] = positionals;
    if (action !== 'plan' && action !== 'apply') throw usage(`dbarch security: unknown action ${action === undefined ? '(none)' : `"${action}"`}`);
    const paths = specPathsAfterAction(`dbarch security ${action} specs/platform.yaml --env development`);
    const environment = typeof values.env === 'string' ? values.env : undefined;
    if (!environment) throw new DbarchError('DBA_USAGE', '--env <name> is required', { hint: 'e.g. `--env development`' });
    const diff = await securityDiffOfSpec(paths, environment);
    if (action === 'plan' || diff.report.changes.length === 0) {
      if (format === 'json') console.log(JSON.stringify(action === 'plan' ? diff.report : { changes: [] }));
      else printDiff(diff);
      return exitCodes.ok;
    }
    if (format === 'text') printDiff(diff);
    return withTemporal(async (temporal) => {
      const started = await startPlanWorkflow(temporal.client, diff.plan, dbarchConfig().taskQueue, securityWorkflowId(diff));
      const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
      if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl }));
      else {
        console.log(`${started.alreadyDone ? 'Already applied' : 'Applying'} ${diff.plan.summary}`);
        console.log(`workflow ${started.workflowId}  run ${started.runId}`);
        if (uiUrl) console.log(uiUrl);
      }
      return values.wait === true ? awaitPlanRunExitCode(temporal.client, started, format) : exitCodes.ok;
    });
  });
}
