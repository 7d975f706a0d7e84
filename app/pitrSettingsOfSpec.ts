import type { WalArchiveConfig } from '../activities/backup/wal/WalArchiveConfig.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { parseDuration } from '../compiler/grammar/parseDuration.ts';
import { backupKeyReference } from '../compiler/sections/backup_config/backupKeyReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { backupCluster, baseBackupSettings } from '../plugins/backup/baseBackupSettings.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planningError } from './planningError.ts';

/**
 * What WAL archiving, restores, `backup list` and retention read from a spec's backup_config, references kept as
 * written (the worker, or wal-push on the server, resolves them): the cluster, where its base backups and WAL
 * are, the key reference, and the retention and recovery window in ms.
 */
export interface PitrSettings {
  readonly cluster: string;
  /** The primary's connection reference (clusters[].primary, or a managed cluster's first member). */
  readonly connection: string | undefined;
  readonly backupDestination: string;
  readonly keyReference: string | undefined;
  readonly wal: WalArchiveConfig;
  readonly backupRetentionMs: number | undefined;
  readonly walRetentionMs: number | undefined;
  readonly recoveryWindowMs: number | undefined;
}

export async function pitrSettingsOfSpec(paths: readonly string[], cluster: string | undefined): Promise<PitrSettings> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const spec = compiled.spec;
  const backup = spec.backup_config;
  const configured = backupCluster(spec);
  if (backup?.base_backups === undefined || configured === undefined) {
    throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no backup_config with base_backups and a cluster`, { hint: 'Add backup_config (cluster, base_backups, wal_archiving).' });
  }
  if (cluster !== undefined && cluster !== configured) {
    throw new DbarchError('DBA_USAGE', `backup_config describes cluster ${configured}, not ${cluster}`, { hint: `Use --cluster ${configured}.` });
  }
  const wal = backup.wal_archiving;
  if (wal?.enabled !== true || wal.destination === undefined) {
    throw new DbarchError('DBA_USAGE', `backup_config.wal_archiving is not enabled with a destination`, { hint: 'Set wal_archiving.enabled: true and wal_archiving.destination.' });
  }
  const keyReference = backupKeyReference(spec);
  const ms = (value: string | number | undefined) => {
    if (value === undefined) return undefined;
    const parsed = parseDuration(value);
    return parsed.ok ? parsed.value : undefined;
  };
  const connection = baseBackupSettings(spec).connection?.value;
  return {
    cluster: configured,
    connection: typeof connection === 'string' ? connection : undefined,
    backupDestination: backup.base_backups.destination,
    keyReference,
    wal: { destination: wal.destination, compression: wal.compression ?? 'zstd', ...(keyReference ? { encryptionKey: keyReference } : {}) },
    backupRetentionMs: ms(backup.base_backups.retention),
    walRetentionMs: ms(wal.retention),
    recoveryWindowMs: backup.point_in_time_recovery?.enabled === true ? ms(backup.point_in_time_recovery.recovery_window) : undefined,
  };
}
