import type { Client } from '@temporalio/client';
import { awaitPlanRun } from '../app/awaitPlanRun.ts';
import { exitCodes } from './exitCodes.ts';

/** `--wait` of a verb that started a plan run: waits for its end, says how it ended, and gives the exit code. */
export async function awaitPlanRunExitCode(client: Client, started: { readonly workflowId: string; readonly runId: string }, format: 'text' | 'json'): Promise<number> {
  const outcome = await awaitPlanRun(client, started.workflowId, started.runId);
  if (!outcome.ok) {
    console.error(`${outcome.code}: ${outcome.message}`);
    return exitCodes.failed;
  }
  if (format === 'text') console.log(`${outcome.result.phase}: ${Object.keys(outcome.result.steps).length} steps`);
  return exitCodes.ok;
}
