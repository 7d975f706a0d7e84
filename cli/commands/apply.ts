import { WorkflowFailedError } from '@temporalio/client';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { defaultTaskQueue } from '../../worker.ts';
import type { InterpreterResult } from '../../workflows/interpreter/InterpreterTypes.ts';
import { connectTemporal } from '../connectTemporal.ts';
import { exitCodes } from '../exitCodes.ts';
import { planCommand } from '../planCommand.ts';
import { startPlanWorkflow } from '../startPlanWorkflow.ts';

const help = `Usage: dbarch apply <spec> --env <name> [--procedure <name>] [--wait] [--format text|json]

Plans the spec and starts the plan interpreter workflow for it. The workflow id is deterministic
(<operation>:<env>:<procedure>:<spec revision>): applying the same revision again attaches to the running (or
already succeeded) workflow instead of starting a second. Prints the workflow id and the Temporal UI link;
JSON: {"workflowId", "runId", "uiUrl"}. --wait waits for the end (approvals included) and exits 1 if it failed.`;

export async function run(argv: string[]): Promise<number> {
  const planned = await planCommand('apply', argv, help, ['wait']);
  if (!planned) return exitCodes.ok;
  const { plan, format, flags } = planned;
  const temporal = await connectTemporal();
  try {
    const started = await startPlanWorkflow(temporal.client, plan, process.env.DBARCH_TASK_QUEUE || defaultTaskQueue);
    const uiUrl = workflowUiUrl(temporal, started.workflowId) ?? null;
    if (format === 'json') console.log(JSON.stringify({ workflowId: started.workflowId, runId: started.runId, uiUrl }));
    else {
      console.log(`${started.alreadyDone ? 'Already applied' : 'Applying'} ${plan.summary} (plan ${plan.hash.slice(0, 12)})`);
      console.log(`workflow ${started.workflowId}  run ${started.runId}`);
      if (uiUrl) console.log(uiUrl);
    }
    if (!flags.wait) return exitCodes.ok;
    try {
      const result = await temporal.client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(started.workflowId, started.runId).result();
      if (format === 'text') console.log(`${result.phase}: ${Object.keys(result.steps).length} steps`);
      return exitCodes.ok;
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      const cause = error.cause as { type?: string; message?: string } | undefined;
      console.error(`${cause?.type ?? 'DBA_STEP_FAILED'}: ${cause?.message ?? error.message}`);
      return exitCodes.failed;
    }
  } finally {
    await temporal.close();
  }
}
