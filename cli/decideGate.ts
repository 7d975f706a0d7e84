import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DbarchError } from '../errors/DbarchError.ts';
import { isErrorCode } from '../errors/registry.ts';
import { interpreterMessages } from '../workflows/interpreter/interpreterMessages.ts';
import type { ApprovalRecord } from '../workflows/interpreter/InterpreterTypes.ts';
import { connectTemporal } from './connectTemporal.ts';
import { exitCodes } from './exitCodes.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';

/** `dbarch approve|reject <workflow-id> --as <identity>`: the Workflow Update, so a refusal comes back as an error. */
export async function decideGate(decision: 'approve' | 'reject', argv: string[], help: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(decision, argv, {
    as: { type: 'string' },
    comment: { type: 'string' },
    'plan-hash': { type: 'string' },
    gate: { type: 'string' },
    format: { type: 'string', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(help);
    return exitCodes.ok;
  }
  const workflowId = positionals[0];
  if (!workflowId || !values.as) throw new DbarchError('DBA_USAGE', `dbarch ${decision} needs a workflow id and --as <identity>`, { hint: `e.g. \`dbarch ${decision} apply:dev:release:1a2b --as alice\`` });
  const temporal = await connectTemporal();
  try {
    const handle = temporal.client.workflow.getHandle(workflowId);
    // Without --plan-hash, the plan the workflow shows in its status is the one approved.
    const planHash = values['plan-hash'] ?? (await handle.query(interpreterMessages.status)).planHash ?? '';
    let record: ApprovalRecord;
    try {
      record = await handle.executeUpdate(decision === 'approve' ? interpreterMessages.approve : interpreterMessages.reject, {
        args: [{ identity: values.as, planHash, ...(values.comment ? { comment: values.comment } : {}), ...(values.gate ? { gate: values.gate } : {}) }],
      });
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
