import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Plan } from '../plan/Plan.ts';
import { switchoverSignal } from '../workflows/monitorWorkflow.ts';
import { monitorWorkflowId } from './startMonitor.ts';
import { startPlanWorkflow } from './startPlanWorkflow.ts';

export interface RequestedSwitchover {
  readonly workflowId: string;
  /** monitor: handed to the cluster's running monitor (its watch pauses meanwhile); direct: started by itself. */
  readonly via: 'monitor' | 'direct';
}

/**
 * Runs a switchover plan: through the cluster's monitor when one runs, so that no failover races the planned
 * change, else as a workflow of its own. `switchover:<cluster>:<plan hash>:<topology epoch>` makes a repeated
 * request for the same change attach to the run instead of starting a second.
 */
export async function requestSwitchover(client: Client, cluster: string, plan: Plan, epoch: number, taskQueue: string): Promise<RequestedSwitchover> {
  const workflowId = `switchover:${cluster}:${plan.hash.slice(0, 12)}:${epoch}`;
  const monitor = client.workflow.getHandle(monitorWorkflowId(cluster));
  try {
    const description = await monitor.describe();
    if (description.status.name === 'RUNNING') {
      await monitor.signal(switchoverSignal, { plan, workflowId });
      return { workflowId, via: 'monitor' };
    }
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  await startPlanWorkflow(client, plan, taskQueue, workflowId);
  return { workflowId, via: 'direct' };
}
