import type { Client } from '@temporalio/client';
import { awaitPlanRun } from '../app/awaitPlanRun.ts';
import type { InterpreterResult } from '../workflows/interpreter/InterpreterTypes.ts';
import { exitCodes } from './exitCodes.ts';

interface Started { readonly workflowId: string; readonly runId: string }

/**
 * What a verb does after it started a plan run: with `detach`, prints the run's ids (json) and ends; else waits,
 * prints the outcome (json) or the failure (text), and hands back the result of a run that succeeded so the verb
 * can print its own report.
 */
export async function followStartedPlanRun(
  client: Client,
  started: Started,
  options: { readonly uiUrl: string | null; readonly format: 'text' | 'json'; readonly detach: boolean },
): Promise<{ readonly exitCode: number } | { readonly result: InterpreterResult }> {
  const ids = { workflowId: started.workflowId, runId: started.runId, uiUrl: options.uiUrl };
  if (options.detach) {
    if (options.format === 'json') console.log(JSON.stringify(ids));
    return { exitCode: exitCodes.ok };
  }
  const outcome = await awaitPlanRun(client, started.workflowId, started.runId);
  if (options.format === 'json') console.log(JSON.stringify({ ...ids, result: outcome }));
  if (!outcome.ok) {
    if (options.format === 'text') console.error(`${outcome.code}: ${outcome.message}`);
    return { exitCode: exitCodes.failed };
  }
  return { result: outcome.result };
}
