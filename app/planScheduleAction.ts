import type { ScheduleOptions } from '@temporalio/client';
import { interpreterWorkflowType } from '../plan/compilePlan.ts';
import type { Plan } from '../plan/Plan.ts';
import { dbarchSearchAttributes } from '../workflows/searchAttributes.ts';

/**
 * A Schedule's action that runs a frozen plan in the interpreter, with the memo and search attributes every plan
 * run carries (so scheduled runs list and filter in the Web UI like started ones). Temporal appends the scheduled
 * time to `workflowId`.
 */
export function planScheduleAction(plan: Plan, workflowId: string, taskQueue: string): ScheduleOptions['action'] {
  return {
    type: 'startWorkflow',
    workflowType: interpreterWorkflowType,
    workflowId,
    taskQueue,
    args: [{ plan }],
    memo: { summary: plan.summary, planHash: plan.hash, procedure: plan.procedure },
    typedSearchAttributes: [
      { key: dbarchSearchAttributes.environment, value: plan.environment },
      { key: dbarchSearchAttributes.operation, value: plan.operation },
      { key: dbarchSearchAttributes.specRevision, value: plan.specRevision },
      { key: dbarchSearchAttributes.awaitingApproval, value: false },
    ],
  };
}
