import { backupInventory } from '../../activities/backup/retention/backupInventory.ts';
import { pitrSettingsOfSpec } from '../../app/pitrSettingsOfSpec.ts';
import { pitrStores } from '../../app/pitrStores.ts';
import { exitCodes } from '../exitCodes.ts';
import { runVerb } from '../runVerb.ts';

const help = `Usage: dbarch backup list <spec> [--cluster <name>] [--format text|json]

Every complete base backup at base_backups.destination (those with a manifest; a partial one is never listed):
when it became consistent, its size (files and stored), its WAL range in wal_archiving.destination (from its first
segment through the last one archived without a gap; a gap is named) and whether it lies inside
point_in_time_recovery.recovery_window ("base": the one a restore to the window's start replays from).
JSON: {"backups": [...], "wal": {"files","bytes","oldest","newest"}, "windowStart"}.`;

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** `dbarch backup list`. */
export function run(argv: string[]): Promise<number> {
  return runVerb({ name: 'backup list', help, options: { cluster: { type: 'string' } }, example: 'dbarch backup list specs/platform.yaml' }, argv, async ({ values, format, specPaths }) => {
    const settings = await pitrSettingsOfSpec(specPaths(), values.cluster);
    const stores = pitrStores(settings);
    const inventory = await backupInventory(stores.backups, stores.wal, settings.recoveryWindowMs === undefined ? {} : { recoveryWindowMs: settings.recoveryWindowMs });
    if (format === 'json') {
      console.log(JSON.stringify(inventory));
      return exitCodes.ok;
    }
    if (inventory.backups.length === 0) console.log(`no complete base backup of ${settings.cluster} in ${stores.backups.destination}`);
    for (const b of inventory.backups) {
      const wal = b.walThrough === null ? 'no WAL archived' : `WAL ${b.walFrom}..${b.walThrough}${b.walGap ? ` (gap at ${b.walGap})` : ''}`;
      console.log(`${b.backupId}  consistent ${b.finishedAt}  ${mib(b.bytes)} (${mib(b.storedBytes)} stored${b.encrypted ? ', encrypted' : ''})  ${wal}  ${b.window === 'inside' ? 'inside the recovery window' : b.window === 'base' ? 'base of the recovery window' : 'outside the recovery window'}`);
    }
    console.log(`WAL archive: ${inventory.wal.files} files, ${mib(inventory.wal.bytes)}${inventory.wal.oldest ? `, ${inventory.wal.oldest}..${inventory.wal.newest}` : ''}${inventory.windowStart ? `; recovery window from ${inventory.windowStart}` : ''}`);
    return exitCodes.ok;
  });
}
