import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { CdcWorkflowInput } from '../workflows/cdcWorkflow.ts';

/** One CDC stream per database: `cdc:<database>`, so a second start (a double click, a retried deploy) attaches. */
export function cdcWorkflowId(database: string): string {
  return `cdc:${database}`;
}

export interface StartedCdc {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the stream was already running: nothing was started. */
  readonly alreadyRunning: boolean;
}

/** Starts the cdc workflow for a database, or finds the one already running. */
export async function startCdc(client: Client, input: CdcWorkflowInput, taskQueue: string): Promise<StartedCdc> {
  const workflowId = cdcWorkflowId(input.database);
  try {
    const handle = await client.workflow.start('cdcWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      memo: { summary: `CDC of ${input.database} (${input.tables.map((t) => t.table).join(', ')}) to ${input.publishTo}` },
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyRunning: true };
  }
}
