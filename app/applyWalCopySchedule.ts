import type { Client } from '@temporalio/client';
import { compileSpec } from '../compiler/compileSpec.ts';
import { parseFrequency } from '../compiler/grammar/parseFrequency.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { backupCluster, baseBackupSettings } from '../plugins/backup/baseBackupSettings.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planOrThrow } from './planOrThrow.ts';
import { planScheduleAction } from './planScheduleAction.ts';
import { upsertSchedule, type UpsertedSchedule } from './upsertSchedule.ts';

/** The procedure the WAL copy Schedule runs: a spec's own `wal_copy` fork, else the shipped one. */
export const walCopyProcedure = 'wal_copy';
export const defaultWalCopyFrequency = 'every 5m';

/**
 * The Temporal Schedule `wal-copy:<cluster>` that runs dbarch/wal_copy on cross_region_replication.wal_copy_frequency,
 * so the copy region's WAL trails by minutes, not by a day of base backups. Undefined unless the spec copies across
 * regions (enabled, with a destination) and archives WAL.
 */
export async function applyWalCopySchedule(client: Client, paths: readonly string[], taskQueue: string, environment?: string): Promise<UpsertedSchedule | undefined> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  const spec = compiled.spec;
  if (!compiled.valid || spec === undefined || baseBackupSettings(spec).copy_wal?.value !== true) return undefined;
  const cluster = backupCluster(spec);
  if (cluster === undefined) throw new DbarchError('DBA_USAGE', 'backup_config names no cluster and the spec has more than one', { hint: 'Set backup_config.cluster.' });
  const text = spec.backup_config?.cross_region_replication?.wal_copy_frequency ?? defaultWalCopyFrequency;
  const frequency = parseFrequency(text);
  if (!frequency.ok) throw new DbarchError(frequency.code, frequency.message);
  const env = environment ?? spec.deployment_config?.environments[0]?.name ?? 'default';
  const plan = await planOrThrow({ paths, environment: env, procedure: walCopyProcedure, registry });
  const scheduleId = `wal-copy:${cluster}`;
  return upsertSchedule(client, scheduleId, frequency.value.cron, planScheduleAction(plan, scheduleId, taskQueue), { cluster, frequency: text, planHash: plan.hash });
}
