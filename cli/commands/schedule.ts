import { applyBackupSchedule } from '../../app/applyBackupSchedule.ts';
import { applyKeyRotationSchedule } from '../../app/applyKeyRotationSchedule.ts';
import { applyWalCopySchedule } from '../../app/applyWalCopySchedule.ts';
import { applySpecTlsRotationSchedule } from '../../app/startTlsRotation.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';
import { withTemporal } from '../withTemporal.ts';

const help = `Usage: dbarch schedule apply <spec> [--env <name>] [--format text|json]

Creates or updates the Temporal Schedules the spec asks for: backup:<cluster> runs dbarch/base_backup on
backup_config.base_backups.frequency (UTC; a run still going when the next is due makes that one skip),
wal-copy:<cluster> runs dbarch/wal_copy on cross_region_replication.wal_copy_frequency (default every 5m) when the
spec copies across regions and archives WAL, key-rotation:<cluster> runs dbarch/key_rotation every security_config.encryption.at_rest.key_rotation, and
tls-rotate:<env> runs dbarch/tls_rotate daily when security_config.encryption.in_transit names an internal_ca. The
schedules are visible, pausable and triggerable in the Temporal UI (Schedules). \`dbarch dev\` applies them too.
JSON: {"schedules": [{"scheduleId", "cron", "action", "nextRuns"}]}.`;

/** `dbarch schedule apply <spec>`: the spec's schedules as Temporal Schedules. */
export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'schedule', help, options: { env: { type: 'string' } }, example: 'dbarch schedule apply specs/platform.yaml' }, argv, async ({ values, positionals, format, specPathsAfterAction }) => {
    const [subcommand] = positionals;
    if (subcommand !== 'apply') throw new DbarchError('DBA_USAGE', subcommand === undefined ? 'dbarch schedule: say what to do' : `dbarch schedule: no subcommand "${subcommand}"`, { hint: 'Use `dbarch schedule apply <spec>`.' });
    const paths = specPathsAfterAction();
    return withTemporal(async (temporal) => {
      const applied = await applyBackupSchedule(temporal.client, paths, dbarchConfig().taskQueue, values.env);
      const rotation = await applyKeyRotationSchedule(temporal.client, paths, dbarchConfig().taskQueue, values.env);
      const tls = await applySpecTlsRotationSchedule(temporal.client, paths, dbarchConfig().taskQueue, values.env);
      const walCopy = await applyWalCopySchedule(temporal.client, paths, dbarchConfig().taskQueue, values.env);
      const schedules = [applied, walCopy, rotation, tls].filter((s) => s !== undefined);
      if (format === 'json') console.log(JSON.stringify({ schedules }));
      else if (schedules.length === 0) console.log('No schedules: the spec has no backup_config.base_backups.');
      for (const s of format === 'text' ? schedules : []) console.log(`${s.action} schedule ${s.scheduleId}: ${s.cron} (UTC); next ${s.nextRuns[0] ?? '-'}`);
      return exitCodes.ok;
    });
  });
}
