import { createInterface } from 'node:readline/promises';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DbarchError } from '../errors/DbarchError.ts';
import { isErrorCode } from '../errors/registry.ts';
import { interpreterMessages } from '../workflows/interpreter/interpreterMessages.ts';
import type { ApprovalRecord, InterpreterStatus } from '../workflows/interpreter/InterpreterTypes.ts';
import { askWorker } from './askWorker.ts';
import { connectTemporal } from './connectTemporal.ts';
import { exitCodes } from './exitCodes.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';

/**
 * `dbarch approve|reject <workflow-id> --as <identity>`: the Workflow Update, so a refusal comes back as an error.
 * The status query goes first: it shows what is being decided and proves a worker answers before the Update is
 * sent. An approval names the plan reviewed (--plan-hash); without it the running plan is shown and --yes (or a
 * "y" on a terminal) is required. A rejection defaults to the running plan.
 */
export async function decideGate(decision: 'approve' | 'reject', argv: string[], help: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(decision, argv, {
    as: { type: 'string' },
    comment: { type: 'string' },
    'plan-hash': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    gate: { type: 'string' },
    format: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const workflowId = positionals[0];
  if (!workflowId || !values.as) throw new DbarchError('DBA_USAGE', `dbarch ${decision} needs a workflow id and --as <identity>`, { hint: `e.g. \`dbarch ${decision} apply:dev:release:1a2b --as alice${decision === 'approve' ? ' --plan-hash <hash from dbarch status>' : ''}\`` });
  const temporal = await connectTemporal();
  try {
    const handle = temporal.client.workflow.getHandle(workflowId);
    const status = await askWorker(temporal.client, workflowId, () => handle.query(interpreterMessages.status));
    let planHash = values['plan-hash'];
    if (planHash === undefined) {
      planHash = status.planHash ?? '';
      if (decision === 'approve' && !values.yes && !(await confirmed(workflowId, status, values.as))) {
        throw new DbarchError('DBA_USAGE', `dbarch approve ${workflowId}: name the plan you reviewed with --plan-hash, or pass --yes to approve the running plan ${planHash}`, {
          hint: `Review it (\`dbarch status ${workflowId}\`), then run \`dbarch approve ${workflowId} --as ${values.as} --plan-hash ${planHash}\`.`,
          details: { workflowId, planHash, summary: status.summary },
        });
      }
    }
    let record: ApprovalRecord;
    try {
      record = await askWorker(temporal.client, workflowId, () =>
        handle.executeUpdate(decision === 'approve' ? interpreterMessages.approve : interpreterMessages.reject, {
          args: [{ identity: values.as!, planHash, ...(values.comment ? { comment: values.comment } : {}), ...(values.gate ? { gate: values.gate } : {}) }],
        }),
      );
    } catch (error) {
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type && isErrorCode(cause.type)) throw new DbarchError(cause.type, cause.message, { details: { workflowId } });
      throw error;
    }
    if (values.format === 'json') console.log(JSON.stringify(record));
    else console.log(`${decision === 'approve' ? 'Approved' : 'Rejected'} gate ${record.gate} of ${workflowId} as ${record.identity} (plan ${record.planHash.slice(0, 12)})`);
    return exitCodes.ok;
  } finally {
    await temporal.close();
  }
}

/** Shows the running plan; on a terminal asks whether to approve it, elsewhere answers no. */
async function confirmed(workflowId: string, status: InterpreterStatus, identity: string): Promise<boolean> {
  const gates = status.openGates.map((g) => g.gate).join(', ') || 'none open';
  const lines = [`${workflowId}: ${status.summary ?? '(no summary)'}`, `plan ${status.planHash ?? '(unknown)'}`, `gate: ${gates}; phase ${status.phase}`];
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    for (const line of lines) console.error(line);
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${lines.join('\n')}\nApprove this plan as ${identity}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
