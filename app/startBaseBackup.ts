import type { Client } from '@temporalio/client';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { backupCluster } from '../plugins/backup/baseBackupSettings.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planningError } from './planningError.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';
import { workflowIdTime } from './workflowIdTime.ts';

/** The procedure `dbarch backup` and the backup Schedule run: a spec's own `base_backup` fork, else the shipped one. */
export const baseBackupProcedure = 'base_backup';

export interface BaseBackupPlan {
  readonly plan: Plan;
  readonly cluster: string;
}

/**
 * Plans dbarch/base_backup for the cluster backup_config describes. `cluster` must be that one (backup_config
 * holds one cluster's settings); `environment` defaults to the first declared deployment environment.
 */
export async function planBaseBackup(paths: readonly string[], cluster: string, environment?: string): Promise<BaseBackupPlan> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const spec = compiled.spec;
  if (spec.backup_config?.base_backups === undefined) {
    throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no backup_config.base_backups`, { hint: 'Add backup_config with base_backups (frequency, retention, destination).' });
  }
  const configured = backupCluster(spec);
  if (configured !== cluster) {
    throw new DbarchError('DBA_USAGE', `backup_config describes cluster ${configured ?? '(none: set backup_config.cluster)'}, not ${cluster}`, {
      hint: configured ? `Use --cluster ${configured}.` : 'Set backup_config.cluster to the cluster to back up.',
    });
  }
  const env = environment ?? spec.deployment_config?.environments[0]?.name ?? 'default';
  const plan = await planOrThrow({ paths, environment: env, procedure: baseBackupProcedure, registry });
  return { plan, cluster };
}

/** `backup:<cluster>:<time>`: one run per cluster and moment, the id the backup is named after. */
export function baseBackupWorkflowId(cluster: string, at: Date): string {
  return `backup:${cluster}:${workflowIdTime(at)}`;
}

export async function startBaseBackup(client: Client, planned: BaseBackupPlan, taskQueue: string, at: Date = new Date()): Promise<StartedPlan> {
  return startPlanWorkflow(client, planned.plan, taskQueue, baseBackupWorkflowId(planned.cluster, at));
}
