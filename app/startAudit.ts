import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AuditWorkflowInput } from '../workflows/auditWorkflow.ts';

/** One audit collector per cluster: `audit:<cluster>`, so a second start attaches instead of reading the logs twice. */
export function auditWorkflowId(cluster: string): string {
  return `audit:${cluster}`;
}

export interface StartedAudit {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the collector was already running: nothing was started. */
  readonly alreadyRunning: boolean;
}

/** Starts the audit workflow of a cluster, or finds the one already running. */
export async function startAudit(client: Client, input: AuditWorkflowInput, taskQueue: string): Promise<StartedAudit> {
  const workflowId = auditWorkflowId(input.cluster);
  try {
    const handle = await client.workflow.start('auditWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      memo: { summary: `audit trail of ${input.cluster} to ${[input.s3 ? 's3' : undefined, input.hec ? 'splunk' : undefined].filter(Boolean).join(' and ')}` },
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyRunning: true };
  }
}
