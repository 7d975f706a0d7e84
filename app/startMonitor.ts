import type { Client } from '@temporalio/client';
import type { MonitorWorkflowInput } from '../workflows/monitorWorkflow.ts';
import { startSingletonWorkflow, type StartedSingleton } from './startSingletonWorkflow.ts';

/** One monitor per cluster: `monitor:<cluster>`. */
export function monitorWorkflowId(cluster: string): string {
  return `monitor:${cluster}`;
}

/** Starts the monitor workflow of a cluster, or finds the one already running. */
export async function startMonitor(client: Client, input: MonitorWorkflowInput, taskQueue: string): Promise<StartedSingleton> {
  return startSingletonWorkflow(client, { workflowType: 'monitorWorkflow', workflowId: monitorWorkflowId(input.cluster.name), args: [input], taskQueue, summary: `health monitor and automatic failover of cluster ${input.cluster.name} (${input.failoverPlan.procedure})` });
}
