import { applyRetention } from '../../activities/backup/retention/applyRetention.ts';
import { pitrSettingsOfSpec } from '../../app/pitrSettingsOfSpec.ts';
import { pitrStores } from '../../app/pitrStores.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';

const help = `Usage: dbarch backup retention <spec> [--cluster <name>] [--dry-run] [--format text|json]

Applies base_backups.retention and wal_archiving.retention: backups older than their retention are removed
(manifest first, so a half-removed backup is never listed), except the newest one and the base of
point_in_time_recovery.recovery_window; WAL older than its retention is removed unless a kept backup, the window
or the newest backup needs it. --dry-run prints what would go. JSON: the plan and {"applied","deletedObjects"}.`;

/** `dbarch backup retention`. */
export function run(argv: string[]): Promise<number> {
  const options = { cluster: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const;
  return runVerb({ name: 'backup retention', help, options, example: 'dbarch backup retention specs/platform.yaml --dry-run' }, argv, async ({ values, format, specPaths }) => {
    const settings = await pitrSettingsOfSpec(specPaths(), values.cluster);
    if (settings.backupRetentionMs === undefined) throw new DbarchError('DBA_USAGE', 'base_backups.retention is not set');
    const stores = pitrStores(settings);
    const outcome = await applyRetention(
      stores.backups,
      stores.wal,
      {
        backupRetentionMs: settings.backupRetentionMs,
        ...(settings.walRetentionMs === undefined ? {} : { walRetentionMs: settings.walRetentionMs }),
        ...(settings.recoveryWindowMs === undefined ? {} : { recoveryWindowMs: settings.recoveryWindowMs }),
      },
      { dryRun: values['dry-run'] === true },
    );
    if (format === 'json') console.log(JSON.stringify(outcome));
    else {
      const verb = outcome.applied ? 'removed' : 'would remove';
      for (const backup of outcome.expiredBackups) console.log(`${verb} backup ${backup.id} (consistent ${backup.stopTime.toISOString()})`);
      for (const kept of outcome.retainedPastExpiry) console.log(`kept backup ${kept.id} past its retention: ${kept.reason === 'newest' ? 'the newest backup' : 'base of the recovery window'}`);
      console.log(`${verb} ${outcome.expiredBackups.length} backups and ${outcome.deletedWal.length} WAL files; kept ${outcome.keptBackups.length} backups and ${outcome.keptWal} WAL files`);
    }
    return exitCodes.ok;
  });
}
