import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { InterpreterResult } from '../workflows/interpreter/InterpreterTypes.ts';

/** How a plan interpreter run ended: its result, or the failure's code and message (and the result it carried). */
export type PlanRunOutcome =
  | { readonly ok: true; readonly result: InterpreterResult }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly result?: InterpreterResult };

/**
 * Waits for a run to end. A failed run is an outcome, not an exception: the interpreter's failure type is the
 * step's error code and its first detail the result so far (the steps, their compensations). Anything else (the
 * server gone, the run terminated by hand) is thrown.
 */
export async function awaitPlanRun(client: Client, workflowId: string, runId?: string): Promise<PlanRunOutcome> {
  try {
    return { ok: true, result: await client.workflow.getHandle<(input: unknown) => Promise<InterpreterResult>>(workflowId, runId).result() };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const cause = error.cause as { type?: string; message?: string; details?: unknown[] } | undefined;
    const result = cause?.details?.[0] as InterpreterResult | undefined;
    return { ok: false, code: cause?.type ?? 'DBA_STEP_FAILED', message: cause?.message ?? error.message, ...(result ? { result } : {}) };
  }
}
