import type { Client } from '@temporalio/client';
import { compileSpec } from '../compiler/compileSpec.ts';
import { backupKeyReference } from '../compiler/sections/backup_config/backupKeyReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { Plan } from '../plan/Plan.ts';
import { backupCluster } from '../plugins/backup/baseBackupSettings.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planningError } from './planningError.ts';
import { startPlanWorkflow, type StartedPlan } from './startPlanWorkflow.ts';
import { workflowIdTime } from './workflowIdTime.ts';

/** The procedure `dbarch keys rotate` and the key-rotation Schedule run: a spec's own `key_rotation` fork, else the shipped one. */
export const keyRotationProcedure = 'key_rotation';

export interface KeyRotationPlan {
  readonly plan: Plan;
  /** Names the workflow and the schedule: backup_config's cluster (or `backups`). */
  readonly cluster: string;
  /** security_config.encryption.at_rest.key_rotation as written (`90d`), if any. */
  readonly every: string | number | undefined;
}

/** Plans dbarch/key_rotation for a spec whose backups are encrypted; DBA_USAGE when they are not. */
export async function planKeyRotation(paths: readonly string[], environment?: string): Promise<KeyRotationPlan> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const spec = compiled.spec;
  if (backupKeyReference(spec) === undefined) {
    throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no encrypted backups: nothing to rotate`, { hint: 'Set backup_config.base_backups.encryption: aes-256 (with a key, or security_config.encryption.at_rest on aws_kms).' });
  }
  const env = environment ?? spec.deployment_config?.environments[0]?.name ?? 'default';
  const plan = await planOrThrow({ paths, environment: env, procedure: keyRotationProcedure, registry });
  return { plan, cluster: backupCluster(spec) ?? 'backups', every: spec.security_config?.encryption?.at_rest?.key_rotation };
}

/** `key-rotation:<cluster>:<time>`: one rotation per cluster and moment. */
export function keyRotationWorkflowId(cluster: string, at: Date): string {
  return `key-rotation:${cluster}:${workflowIdTime(at)}`;
}

export async function startKeyRotation(client: Client, planned: KeyRotationPlan, taskQueue: string, at: Date = new Date()): Promise<StartedPlan> {
  return startPlanWorkflow(client, planned.plan, taskQueue, keyRotationWorkflowId(planned.cluster, at));
}
