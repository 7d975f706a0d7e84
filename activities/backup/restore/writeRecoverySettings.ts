import { appendFile, chown, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { walConfigFileName, type WalArchiveConfig } from '../wal/WalArchiveConfig.ts';

/**
 * Prepares a restored data directory for targeted recovery: the settings appended to postgresql.auto.conf (where
 * the last occurrence of a name wins, as with ALTER SYSTEM), recovery.signal, no standby.signal, and
 * dbarch-wal.json so restore_command finds the archive. Each value is quoted for the configuration file.
 */
export async function writeRecoverySettings(dataDir: string, settings: Readonly<Record<string, string>>, wal: WalArchiveConfig, owner?: { uid: number; gid: number }): Promise<void> {
  const lines = Object.entries(settings).map(([name, value]) => {
    // eslint-disable-next-line no-control-regex -- a newline would start another setting
    if (/[\u0000-\u001f]/.test(value)) throw new DbarchError('DBA_RESTORE_TARGET_INVALID', `setting ${name} holds a control character`);
    return `${name} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  });
  await appendFile(join(dataDir, 'postgresql.auto.conf'), `\n# dbarch restore ${new Date().toISOString()}\n${lines.join('\n')}\n`);
  await rm(join(dataDir, 'standby.signal'), { force: true });
  await writeFile(join(dataDir, 'recovery.signal'), '');
  await writeFile(join(dataDir, walConfigFileName), `${JSON.stringify(wal, null, 2)}\n`, { mode: 0o600 });
  if (owner) {
    for (const file of ['postgresql.auto.conf', 'recovery.signal', walConfigFileName]) await chown(join(dataDir, file), owner.uid, owner.gid);
  }
}
