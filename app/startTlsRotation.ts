import type { Client } from '@temporalio/client';
import { clusterTlsOfSpec } from '../activities/tls/ClusterTls.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planningError } from './planningError.ts';
import { planScheduleAction } from './planScheduleAction.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';
import { upsertSchedule, type UpsertedSchedule } from './upsertSchedule.ts';
import { workflowIdTime } from './workflowIdTime.ts';

/** The procedure `dbarch tls rotate --workflow` and the tls-rotate Schedule run: a spec's own `tls_rotate` fork, else the shipped one. */
export const tlsRotationProcedure = 'tls_rotate';

/**
 * Daily: a run changes nothing unless a certificate is due, and a third of rotation_days is left after that
 * (certificateDays), so a day's delay never lets one expire.
 */
export const tlsRotationCron = '17 3 * * *';

/** Plans dbarch/tls_rotate (every managed cluster of the spec); DBA_TLS_NOT_CONFIGURED without an internal CA. */
export async function planTlsRotation(paths: readonly string[], environment?: string): Promise<Plan> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || compiled.spec === undefined) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  if (clusterTlsOfSpec(compiled.spec) === undefined) {
    throw new DbarchError('DBA_TLS_NOT_CONFIGURED', `${paths.join(', ')} names no internal CA (security_config.encryption.in_transit.internal_ca): nothing to rotate`);
  }
  const env = environment ?? compiled.spec.deployment_config?.environments[0]?.name ?? 'default';
  return planOrThrow({ paths, environment: env, procedure: tlsRotationProcedure, registry });
}

/** `tls-rotate:<env>:<time>`: one rotation per environment and moment. */
export function tlsRotationWorkflowId(environment: string, at: Date): string {
  return `tls-rotate:${environment}:${workflowIdTime(at)}`;
}

export function startTlsRotation(client: Client, plan: Plan, taskQueue: string, at: Date = new Date()): Promise<StartedPlan> {
  return startPlanWorkflow(client, plan, taskQueue, tlsRotationWorkflowId(plan.environment, at));
}

/** `dbarch schedule apply`: the tls-rotate Schedule when the spec names an internal CA, else undefined. */
export async function applySpecTlsRotationSchedule(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<UpsertedSchedule | undefined> {
  const plan = await planTlsRotation(paths, environment).catch((error: unknown) => {
    if (error instanceof DbarchError && error.code === 'DBA_TLS_NOT_CONFIGURED') return undefined;
    throw error;
  });
  return plan === undefined ? undefined : applyTlsRotationSchedule(client, plan, taskQueue);
}

/** The Temporal Schedule `tls-rotate:<env>` running dbarch/tls_rotate every day (created, or updated in place). */
export function applyTlsRotationSchedule(client: Client, plan: Plan, taskQueue: string): Promise<UpsertedSchedule> {
  const scheduleId = `tls-rotate:${plan.environment}`;
  return upsertSchedule(client, scheduleId, tlsRotationCron, planScheduleAction(plan, scheduleId, taskQueue), { environment: plan.environment, planHash: plan.hash });
}
