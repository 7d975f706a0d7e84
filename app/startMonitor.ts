import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { MonitorWorkflowInput } from '../workflows/monitorWorkflow.ts';

/** One monitor per cluster: `monitor:<cluster>`. */
export function monitorWorkflowId(cluster: string): string {
  return `monitor:${cluster}`;
}

export interface StartedMonitor {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the monitor was running already: nothing was started (a second start is a no-op). */
  readonly alreadyRunning: boolean;
}

/** Starts the monitor workflow of a cluster, or finds the one already running. */
export async function startMonitor(client: Client, input: MonitorWorkflowInput, taskQueue: string): Promise<StartedMonitor> {
  const workflowId = monitorWorkflowId(input.cluster.name);
  try {
    const handle = await client.workflow.start('monitorWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      memo: { summary: `health monitor and automatic failover of cluster ${input.cluster.name} (${input.failoverPlan.procedure})` },
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyRunning: true };
  }
}
