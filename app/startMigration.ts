import type { Client } from '@temporalio/client';
import type { Plan } from '../plan/Plan.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { migrationWorkflowId } from './migrationWorkflowId.ts';
import { planMigration } from './planMigration.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';

export interface StartMigrationInput {
  readonly specPath: string;
  readonly environment: string;
  readonly taskQueue: string;
  readonly registry: PluginRegistry;
  /** Names the run instead of the plan hash (the git trigger: `git-<sha>`). */
  readonly source?: string;
}

/** Plans the pipeline for one environment and starts it (or attaches to the run already going for the same id). */
export async function startMigration(client: Client, input: StartMigrationInput): Promise<StartedPlan & { plan: Plan }> {
  const plan = await planMigration(input.specPath, input.environment, input.registry);
  const started = await startPlanWorkflow(client, plan, input.taskQueue, migrationWorkflowId(plan, input.source));
  return { ...started, plan };
}
