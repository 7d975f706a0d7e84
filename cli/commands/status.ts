import { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
import { workflowUiUrl } from '../../runtime/startTemporal.ts';
import { dbarchSearchAttributes } from '../../workflows/searchAttributes.ts';
import { interpreterMessages } from '../../workflows/interpreter/interpreterMessages.ts';
import type { InterpreterStatus } from '../../workflows/interpreter/InterpreterTypes.ts';
import { askWorker } from '../askWorker.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch status <workflow-id> [--format text|json]

Shows a plan interpreter workflow: Temporal status, phase, open approval gates and each step's status, attempts
and last error (from the workflow's \`status\` query). When no worker answers the query within 10 s, it prints
what the server knows (status, awaiting approval, summary) and a DBA_WORKER_UNAVAILABLE note on stderr. JSON: {"workflowId", "runId", "status", "phase",
"awaitingApproval", "openGates", "steps", "approvals", "planHash", "uiUrl"}.`;

export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'status', help, options: {}, example: 'dbarch status <workflow-id>' }, argv, async ({ positionals, format }) => {
    const workflowId = positionals[0];
    if (!workflowId) throw new DbarchError('DBA_USAGE', 'dbarch status needs a workflow id');
    return withTemporal(async (temporal) => {
      const handle = temporal.client.workflow.getHandle(workflowId);
      const description = await handle.describe();
      let state: InterpreterStatus | undefined;
      try {
        state = await askWorker(temporal.client, workflowId, () => handle.query(interpreterMessages.status));
      } catch (error) {
        // No worker answers queries right now: report what the server knows, and say why the rest is missing.
        if (isDbarchError(error)) console.error(`note: ${error.code}: ${error.message}; showing what the server knows.`);
      }
      const out = {
        workflowId,
        runId: description.runId,
        status: description.status.name,
        phase: state?.phase ?? null,
        awaitingApproval: state?.awaitingApproval ?? description.typedSearchAttributes.get(dbarchSearchAttributes.awaitingApproval) ?? false,
        openGates: state?.openGates ?? [],
        currentSteps: state?.currentSteps ?? [],
        steps: state?.steps ?? {},
        approvals: state?.approvals ?? [],
        refused: state?.refused ?? [],
        planHash: state?.planHash ?? null,
        summary: state?.summary ?? (description.memo?.summary as string | undefined) ?? null,
        uiUrl: workflowUiUrl(temporal, workflowId) ?? null,
      };
      if (format === 'json') {
        console.log(JSON.stringify(out));
        return exitCodes.ok;
      }
      console.log(`${workflowId}  ${out.status}${out.phase ? ` · ${out.phase}` : ''}${out.summary ? ` · ${out.summary}` : ''}`);
      if (out.planHash) console.log(`plan ${out.planHash}`);
      for (const gate of out.openGates) {
        console.log(`awaiting approval at ${gate.gate}: ${gate.approvedBy.length}/${gate.required} from ${[...gate.roles.map((r) => `role ${r}`), ...gate.identities].join(', ')}${gate.deadline ? ` (until ${gate.deadline}, then ${gate.onTimeout})` : ''}${gate.tokenIssuer ? `; needs a token from ${gate.tokenIssuer} (--token-file)` : ''}`);
      }
      for (const [id, step] of Object.entries(out.steps)) {
        const error = step.lastError ? `  last error ${step.lastError.code}: ${step.lastError.message}` : '';
        const compensation = step.compensation ? `  compensation ${step.compensation.status}` : '';
        console.log(`  ${step.status.padEnd(12)} ${id}  attempts ${step.attempts}${error}${compensation}`);
      }
      if (out.uiUrl) console.log(out.uiUrl);
      return exitCodes.ok;
    });
  });
}
