import { basename, extname, resolve } from 'node:path';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { AlertEvaluatorInput } from '../workflows/alertEvaluatorWorkflow.ts';

/** One evaluator per spec: `alerts:<name>`, the name the spec file's (`platform` for specs/platform.yaml) unless given. */
export function alertEvaluatorWorkflowId(name: string): string {
  return `alerts:${name}`;
}

/** The evaluator's default name: the spec file's name without its extension (a directory: its own name). */
export function alertEvaluatorName(specPath: string): string {
  return basename(specPath, extname(specPath));
}

export interface StartedAlertEvaluator {
  readonly workflowId: string;
  readonly runId: string;
  /** True when the evaluator was running already: nothing was started. */
  readonly alreadyRunning: boolean;
}

/**
 * Starts the built-in alert evaluator of a spec (its path made absolute, as the worker on this machine reads
 * it), or finds the one already running (a second `dbarch monitoring evaluate` or `dbarch dev` attaches).
 */
export async function startAlertEvaluator(client: Client, input: AlertEvaluatorInput & { readonly name?: string }, taskQueue: string): Promise<StartedAlertEvaluator> {
  const { name, ...rest } = input;
  const workflowId = alertEvaluatorWorkflowId(name ?? alertEvaluatorName(input.spec));
  try {
    const handle = await client.workflow.start('alertEvaluatorWorkflow', {
      taskQueue,
      workflowId,
      args: [{ ...rest, spec: resolve(input.spec) }],
      workflowIdConflictPolicy: 'FAIL',
      memo: { summary: `built-in alert evaluator of ${input.spec}` },
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, alreadyRunning: true };
  }
}
