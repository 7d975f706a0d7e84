import { readFileSync } from 'node:fs';
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
 * `dbarch approve|reject <workflow-id> --as <identity> | --token[-file]`: the Workflow Update, so a refusal comes
 * back as an error. A gate of a protected environment (status shows its tokenIssuer) takes the token instead of
 * `--as`: from --token, --token-file (`-` for stdin) or DBARCH_APPROVAL_TOKEN; the worker verifies it.
 * The status query goes first: it shows what is being decided and proves a worker answers before the Update is
 * sent. An approval names the plan reviewed (--plan-hash); without it the running plan is shown and --yes (or a
 * "y" on a terminal) is required. A rejection defaults to the running plan.
 */
export async function decideGate(decision: 'approve' | 'reject', argv: string[], help: string): Promise<number> {
  const { values, positionals } = parseCommandArgs(decision, argv, {
    as: { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
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
  const token = approvalToken(values.token, values['token-file']);
  if (!workflowId || (!values.as && token === undefined)) {
    throw new DbarchError('DBA_USAGE', `dbarch ${decision} needs a workflow id and --as <identity> (or, for a protected environment, --token / --token-file / DBARCH_APPROVAL_TOKEN)`, {
      hint: `e.g. \`dbarch ${decision} apply:dev:release:1a2b --as alice${decision === 'approve' ? ' --plan-hash <hash from dbarch status>' : ''}\`, or \`--token-file ~/.dbarch/token\` where status shows a tokenIssuer`,
    });
  }
  const who = values.as ?? 'the token\'s holder';
  const temporal = await connectTemporal();
  try {
    const handle = temporal.client.workflow.getHandle(workflowId);
    const status = await askWorker(temporal.client, workflowId, () => handle.query(interpreterMessages.status));
    let planHash = values['plan-hash'];
    if (planHash === undefined) {
      planHash = status.planHash ?? '';
      if (decision === 'approve' && !values.yes && !(await confirmed(workflowId, status, who))) {
        throw new DbarchError('DBA_USAGE', `dbarch approve ${workflowId}: name the plan you reviewed with --plan-hash, or pass --yes to approve the running plan ${planHash}`, {
          hint: `Review it (\`dbarch status ${workflowId}\`), then run \`dbarch approve ${workflowId} ${values.as ? `--as ${values.as}` : '--token-file <file>'} --plan-hash ${planHash}\`.`,
          details: { workflowId, planHash, summary: status.summary },
        });
      }
    }
    let record: ApprovalRecord;
    try {
      record = await askWorker(temporal.client, workflowId, () =>
        handle.executeUpdate(decision === 'approve' ? interpreterMessages.approve : interpreterMessages.reject, {
          args: [{ ...(values.as ? { identity: values.as } : {}), ...(token !== undefined ? { token } : {}), planHash, ...(values.comment ? { comment: values.comment } : {}), ...(values.gate ? { gate: values.gate } : {}) }],
        }),
      );
    } catch (error) {
      const cause = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.type && isErrorCode(cause.type)) throw new DbarchError(cause.type, cause.message, { details: { workflowId } });
      throw error;
    }
    if (values.format === 'json') console.log(JSON.stringify(record));
    else {
      const proof = record.proof ? `, token from ${record.proof.issuer}${record.proof.mfa ? ' with MFA' : ''}${record.proof.asRoles.length > 0 ? ` as ${record.proof.asRoles.join(', ')}` : ''}` : '';
      console.log(`${decision === 'approve' ? 'Approved' : 'Rejected'} gate ${record.gate} of ${workflowId} as ${record.identity} (plan ${record.planHash.slice(0, 12)}${proof})`);
    }
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

/** The approval token, from --token, --token-file (`-`: stdin) or DBARCH_APPROVAL_TOKEN, trimmed; undefined when none. */
function approvalToken(inline: string | undefined, file: string | undefined): string | undefined {
  if (inline !== undefined && file !== undefined) throw new DbarchError('DBA_USAGE', 'give --token or --token-file, not both');
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (error) {
      throw new DbarchError('DBA_USAGE', `--token-file ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { hint: 'Save the token your identity provider issued into a file only you can read, and pass its path.' });
    }
  }
  text ??= process.env.DBARCH_APPROVAL_TOKEN;
  const token = text?.trim().replace(/^Bearer\s+/i, '');
  return token === undefined || token === '' ? undefined : token;
}
