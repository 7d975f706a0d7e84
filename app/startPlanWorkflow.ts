import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Plan } from '../plan/Plan.ts';
import { interpreterWorkflowType } from '../plan/compilePlan.ts';
import { searchAttributesStartError } from '../runtime/ensureSearchAttributes.ts';
import { dbarchSearchAttributes } from '../workflows/searchAttributes.ts';

export interface StartedPlan {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the id had finished successfully before: nothing was started, the old run is reported. */
  readonly alreadyDone: boolean;
}

/** `<operation>:<environment>:<procedure>:<spec revision>`: one run per spec revision, however often it is applied. */
export function planWorkflowId(plan: Plan): string {
  return `${plan.operation}:${plan.environment}:${plan.procedure}:${plan.specRevision.slice(0, 16)}`;
}

/**
 * Starts the interpreter for a plan, or attaches to the workflow already running it: conflict policy USE_EXISTING
 * makes concurrent applies of one revision share a run, and a revision that already succeeded is not run again
 * (reuse policy allows a new run only after a failure, so a fixed environment can be retried). Callers with their own
 * deterministic id (the migration pipeline's `migrate:<env>:…`) pass it.
 */
export async function startPlanWorkflow(client: Client, plan: Plan, taskQueue: string, workflowId: string = planWorkflowId(plan)): Promise<StartedPlan> {
  try {
    const handle = await client.workflow.start(interpreterWorkflowType, {
      taskQueue,
      workflowId,
      args: [{ plan }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      memo: { summary: plan.summary, planHash: plan.hash, procedure: plan.procedure },
      typedSearchAttributes: [
        { key: dbarchSearchAttributes.environment, value: plan.environment },
        { key: dbarchSearchAttributes.operation, value: plan.operation },
        { key: dbarchSearchAttributes.specRevision, value: plan.specRevision },
        { key: dbarchSearchAttributes.awaitingApproval, value: false },
      ],
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyDone: false };
  } catch (error) {
    // A namespace without dbarch's search attributes refuses the start: that is a coded error, not a bug.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw (await searchAttributesStartError(client.connection, client.options.namespace, error)) ?? error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyDone: true };
  }
}
