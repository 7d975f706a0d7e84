import { startPlanWorkflow } from '../../app/startPlanWorkflow.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { awaitPlanRunExitCode } from '../awaitPlanRunExitCode.ts';
import { exitCodes } from '../exitCodes.ts';
import { planCommand } from '../planCommand.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch apply <spec> --env <name> [--procedure <name>] [--wait] [--format text|json]

Plans the spec and starts the plan interpreter workflow for it. The workflow id is deterministic
(<operation>:<env>:<procedure>:<spec revision>): applying the same revision again attaches to the running (or
already succeeded) workflow instead of starting a second. Prints the workflow id and the Temporal UI link;
JSON: {"workflowId", "runId", "uiUrl"}. --wait waits for the end (approvals included) and exits 1 if it failed.`;

export async function run(argv: string[]): Promise<number> {
  const planned = await planCommand('apply', argv, help, ['wait']);
  if (!planned) return exitCodes.ok;
  const { plan, format, flags } = planned;
  return withTemporal(async (temporal) => {
    const started = await startPlanWorkflow(temporal.client, plan, dbarchConfig().taskQueue);
    const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
    if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl }));
    else {
      console.log(`${started.alreadyDone ? 'Already applied' : 'Applying'} ${plan.summary} (plan ${plan.hash.slice(0, 12)})`);
      console.log(`workflow ${started.workflowId}  run ${started.runId}`);
      if (uiUrl) console.log(uiUrl);
    }
    return flags.wait ? awaitPlanRunExitCode(temporal.client, started, format) : exitCodes.ok;
  });
}
