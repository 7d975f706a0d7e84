import type { Client } from '@temporalio/client';
import { alertEvaluatorStateQuery, type AlertEvaluatorState } from '../workflows/alertEvaluatorWorkflow.ts';

/** The running evaluator's `state` query (phase, firing and pending alerts, conditions), bounded in time. */
export async function alertEvaluatorState(client: Client, workflowId: string, timeoutMs = 10_000): Promise<AlertEvaluatorState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the evaluator ${workflowId} did not answer its state query within ${timeoutMs} ms (is a worker running?)`)), timeoutMs)));
  return Promise.race([client.workflow.getHandle(workflowId).query(alertEvaluatorStateQuery), timeout]).finally(() => clearTimeout(timer));
}
