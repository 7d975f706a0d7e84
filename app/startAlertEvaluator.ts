import { basename, extname, resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { AlertEvaluatorInput } from '../workflows/alertEvaluatorWorkflow.ts';
import { startSingletonWorkflow, type StartedSingleton } from './startSingletonWorkflow.ts';

/** One evaluator per spec: `alerts:<name>`, the name the spec file's (`platform` for specs/platform.yaml) unless given. */
export function alertEvaluatorWorkflowId(name: string): string {
  return `alerts:${name}`;
}

/** The evaluator's default name: the spec file's name without its extension (a directory: its own name). */
export function alertEvaluatorName(specPath: string): string {
  return basename(specPath, extname(specPath));
}

/**
 * Starts the built-in alert evaluator of a spec (its path made absolute, as the worker on this machine reads
 * it), or finds the one already running (a second `dbarch monitoring evaluate` or `dbarch dev` attaches).
 */
export async function startAlertEvaluator(client: Client, input: AlertEvaluatorInput & { readonly name?: string }, taskQueue: string): Promise<StartedSingleton> {
  const { name, ...rest } = input;
  return startSingletonWorkflow(client, {
    workflowType: 'alertEvaluatorWorkflow',
    workflowId: alertEvaluatorWorkflowId(name ?? alertEvaluatorName(input.spec)),
    args: [{ ...rest, spec: resolve(input.spec) }],
    taskQueue,
    summary: `built-in alert evaluator of ${input.spec}`,
  });
}
