import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { RestoreStatus, RestoreWorkflowInput } from '../workflows/restoreWorkflow.ts';
import { workflowIdTime } from './workflowIdTime.ts';

/** `restore:<cluster>:<time>`: one run per request, never attached to another. */
export function restoreWorkflowId(cluster: string, at: Date): string {
  return `restore:${cluster}:${workflowIdTime(at)}`;
}

export async function startRestore(client: Client, input: RestoreWorkflowInput, taskQueue: string, at: Date = new Date()): Promise<{ workflowId: string; runId: string }> {
  const workflowId = restoreWorkflowId(input.cluster, at);
  const handle = await client.workflow.start('restoreWorkflow', {
    taskQueue,
    workflowId,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    memo: { summary: `point-in-time restore of ${input.cluster} into ${input.targetDir}` },
  });
  return { workflowId, runId: handle.firstExecutionRunId };
}

export type RestoreOutcome = { readonly ok: true; readonly status: RestoreStatus } | { readonly ok: false; readonly code: string; readonly message: string; readonly status?: RestoreStatus };

/** Waits for a restore to end; a failed one is an outcome carrying its code (and its status as the failure's detail). */
export async function awaitRestore(client: Client, workflowId: string, runId?: string): Promise<RestoreOutcome> {
  try {
    return { ok: true, status: await client.workflow.getHandle<(input: RestoreWorkflowInput) => Promise<RestoreStatus>>(workflowId, runId).result() };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const cause = error.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
    const status = cause?.details?.[0] as RestoreStatus | undefined;
    return { ok: false, code: cause?.type ?? 'DBA_INTERNAL', message: cause?.message ?? error.message, ...(status ? { status } : {}) };
  }
}
