import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { RelayWorkflowInput } from '../workflows/relayWorkflow.ts';

/** One relay per database: `relay:<database>`, so a second start (a double click, a retried deploy) attaches. */
export function relayWorkflowId(database: string): string {
  return `relay:${database}`;
}

export interface StartedRelay {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the relay was already running: nothing was started. */
  readonly alreadyRunning: boolean;
}

/** Starts the relay workflow for a database, or finds the one already running (conflict policy USE_EXISTING). */
export async function startRelay(client: Client, input: RelayWorkflowInput, taskQueue: string): Promise<StartedRelay> {
  const workflowId = relayWorkflowId(input.database);
  try {
    const handle = await client.workflow.start('relayWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      memo: { summary: `outbox relay of ${input.database} to ${input.exchange}` },
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyRunning: true };
  }
}
