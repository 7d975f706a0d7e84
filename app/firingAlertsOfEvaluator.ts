import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { alertEvaluatorState } from './alertEvaluatorState.ts';
import type { FiringAlert } from './statusReport.ts';

/**
 * The firing alerts of the built-in evaluator `workflowId`, for the status page when no Alertmanager is
 * configured; undefined when no such evaluator runs (alerting is then not carried out here, which is not a fault).
 */
export async function firingAlertsOfEvaluator(client: Client, workflowId: string, timeoutMs: number): Promise<FiringAlert[] | undefined> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    if (description.status.name !== 'RUNNING') return undefined;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const state = await alertEvaluatorState(client, workflowId, timeoutMs);
  return state.firing.map((a) => ({ name: a.rule, severity: a.severity, summary: a.summary, startsAt: a.firedAt ?? a.activeSince }));
}
