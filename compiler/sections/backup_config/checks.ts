import { formatDuration, parseDuration } from '../../grammar/parseDuration.ts';
import { kmsScheme, parseKmsKeyReference } from '../../grammar/parseKmsKeyReference.ts';
import type { SectionCheckContext } from '../../SectionDefinition.ts';
import { checkDatabaseReference } from '../clusters/checkDatabaseReference.ts';
import type { BackupConfig } from './schema.ts';

export function checkBackupConfig(config: BackupConfig, ctx: SectionCheckContext): void {
  const key = config.base_backups?.encryption_key;
  if (key?.startsWith(kmsScheme) === true) {
    const parsed = parseKmsKeyReference(key);
    if (!parsed.ok) ctx.error(['base_backups', 'encryption_key'], parsed.code, parsed.message, parsed.hint);
  }
  const wal = config.wal_archiving;
  const pitr = config.point_in_time_recovery;
  if (wal?.enabled === true && wal.destination === undefined) {
    ctx.error(['wal_archiving', 'destination'], 'DBA_SPEC_MISSING_KEY', 'WAL archiving is enabled but has no `destination`');
  }
  if (config.strategy === 'continuous' && wal?.enabled !== true) {
    ctx.error(wal === undefined ? ['strategy'] : ['wal_archiving', 'enabled'], 'DBA_SPEC_PITR_WAL', 'the continuous strategy archives WAL, but `wal_archiving.enabled` is not true', 'enable WAL archiving, or use `strategy: scheduled`');
  }
  if (pitr?.enabled === true) {
    if (wal?.enabled !== true) {
      ctx.error(wal === undefined ? ['point_in_time_recovery', 'enabled'] : ['wal_archiving', 'enabled'], 'DBA_SPEC_PITR_WAL', 'point-in-time recovery is enabled but WAL archiving is not');
    }
    if (pitr.recovery_window === undefined) {
      ctx.error(['point_in_time_recovery', 'recovery_window'], 'DBA_SPEC_MISSING_KEY', 'point-in-time recovery is enabled but has no `recovery_window`');
    } else {
      const window = parseDuration(pitr.recovery_window);
      const compare = (at: string[], label: string, retention: string | number | undefined) => {
        if (retention === undefined || !window.ok) return;
        const kept = parseDuration(retention);
        if (kept.ok && kept.value < window.value) {
          ctx.error(at, 'DBA_SPEC_BACKUP_RETENTION', `${label} retention ${formatDuration(kept.value)} is shorter than the recovery window ${formatDuration(window.value)}`, `keep ${label} for at least ${formatDuration(window.value)}, or shorten the recovery window`);
        }
      };
      compare(['base_backups', 'retention'], 'base backup', config.base_backups?.retention);
      compare(['wal_archiving', 'retention'], 'WAL', wal?.retention);
    }
  }
  const cross = config.cross_region_replication;
  if (cross?.enabled === true && cross.target_region === undefined) {
    ctx.error(['cross_region_replication', 'target_region'], 'DBA_SPEC_MISSING_KEY', 'cross-region replication is enabled but has no `target_region`');
  }
  if (config.cluster !== undefined) checkDatabaseReference(ctx, { cluster: config.cluster }, ['cluster'], ['cluster']);
}
