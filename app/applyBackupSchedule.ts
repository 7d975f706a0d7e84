import type { Client } from '@temporalio/client';
import { parseFrequency } from '../compiler/grammar/parseFrequency.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { backupCluster } from '../plugins/backup/baseBackupSettings.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planScheduleAction } from './planScheduleAction.ts';
import { planBaseBackup } from './startBaseBackup.ts';
import { upsertSchedule, type UpsertedSchedule } from './upsertSchedule.ts';

export type AppliedSchedule = UpsertedSchedule;

/**
 * The Temporal Schedule `backup:<cluster>` that runs dbarch/base_backup on base_backups.frequency (UTC), visible
 * and pausable in the Temporal UI. Each run's workflow id is `backup:<cluster>` plus the scheduled time, which
 * Temporal appends (`backup:main-2026-12-02T00:00:00Z`), so a run happens once per slot; a slot whose previous run
 * is still going is skipped, not queued. Applying again updates it to the spec's current plan and frequency.
 * Undefined when the spec has no base_backups.
 */
export async function applyBackupSchedule(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<AppliedSchedule | undefined> {
  const compiled = await compileSpec(paths, { sections: (await loadPluginRegistry()).sections() });
  const base = compiled.spec?.backup_config?.base_backups;
  if (!compiled.valid || compiled.spec === undefined || base === undefined) return undefined;
  const cluster = backupCluster(compiled.spec);
  if (cluster === undefined) throw new DbarchError('DBA_USAGE', 'backup_config names no cluster and the spec has more than one', { hint: 'Set backup_config.cluster.' });
  const frequency = parseFrequency(base.frequency);
  if (!frequency.ok) throw new DbarchError(frequency.code, frequency.message);
  const { plan } = await planBaseBackup(paths, cluster, environment);
  const scheduleId = `backup:${cluster}`;
  return upsertSchedule(client, scheduleId, frequency.value.cron, planScheduleAction(plan, scheduleId, taskQueue), { cluster, frequency: base.frequency, planHash: plan.hash });
}
