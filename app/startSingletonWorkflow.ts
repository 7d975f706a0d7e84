import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';

export interface StartedSingleton {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the workflow was running already: nothing was started (a second start attaches). */
  readonly alreadyRunning: boolean;
}

export interface SingletonStart {
  readonly workflowType: string;
  /** Deterministic (`relay:<database>`, `monitor:<cluster>`…): the id is what makes the workflow one of a kind. */
  readonly workflowId: string;
  readonly args: unknown[];
  readonly taskQueue: string;
  readonly summary: string;
}

/**
 * Starts a long-running workflow that must run once per id, or finds the one already running. Conflict policy FAIL,
 * not USE_EXISTING: the refusal is what tells a start from an attach, and the running one's run id is then described.
 */
export async function startSingletonWorkflow(client: Client, start: SingletonStart): Promise<StartedSingleton> {
  const { workflowType, workflowId, args, taskQueue, summary } = start;
  try {
    const handle = await client.workflow.start(workflowType, { taskQueue, workflowId, args, workflowIdConflictPolicy: 'FAIL', memo: { summary } });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyRunning: true };
  }
}
