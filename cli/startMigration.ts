import type { Client } from '@temporalio/client';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { planSpec } from '../plan/planSpec.ts';
import type { PluginRegistry } from '../plugins/PluginRegistry.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';

/** The procedure every migration trigger runs: the spec's own `migration_pipeline` (a fork), else the shipped one. */
export const migrationProcedure = 'migration_pipeline';

/**
 * `migrate:<env>:<plan hash>`: the plan covers the spec and the exact migration files (their digests), so the same
 * files started twice attach to one run and new files start another. The git trigger names the commit instead.
 */
export function migrationWorkflowId(plan: Plan, source?: string): string {
  return `migrate:${plan.environment}:${source ?? plan.hash.slice(0, 16)}`;
}

export async function planMigration(specPath: string, environment: string, registry: PluginRegistry): Promise<Plan> {
  const result = await planSpec({ paths: [specPath], environment, procedure: migrationProcedure, registry });
  if (result.ok) return result.plan;
  const issues = [...result.specIssues, ...result.planIssues];
  const first = issues[0];
  throw new DbarchError(first?.code ?? 'DBA_PLAN_INVALID', `${specPath} cannot be planned for ${environment}: ${first?.message ?? 'unknown problem'}`, { details: { issues } });
}

/** Plans the pipeline for one environment and starts it (or attaches to the run already going for the same id). */
export async function startMigration(client: Client, input: { specPath: string; environment: string; taskQueue: string; registry: PluginRegistry; source?: string }): Promise<StartedPlan & { plan: Plan }> {
  const plan = await planMigration(input.specPath, input.environment, input.registry);
  const started = await startPlanWorkflow(client, plan, input.taskQueue, migrationWorkflowId(plan, input.source));
  return { ...started, plan };
}
