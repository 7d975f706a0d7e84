import type { ObjectStore } from '../activities/backup/store/ObjectStore.ts';
import { openObjectStore } from '../activities/backup/store/openObjectStore.ts';
import { s3SettingsFromEnv } from '../activities/backup/store/S3Settings.ts';
import { resolveEnvReferences } from '../compiler/grammar/envReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import type { PitrSettings } from './pitrSettingsOfSpec.ts';

/** The base backup and WAL stores of a spec, their references resolved on this machine. */
export function pitrStores(settings: PitrSettings): { backups: ObjectStore; wal: ObjectStore } {
  const resolve = (reference: string, what: string) => {
    const result = resolveEnvReferences(reference, process.env);
    if (!result.ok) throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `${what} ${reference}: ${result.message}`);
    return result.value;
  };
  const s3 = s3SettingsFromEnv();
  return {
    backups: openObjectStore(resolve(settings.backupDestination, 'base_backups.destination'), s3),
    wal: openObjectStore(resolve(settings.wal.destination, 'wal_archiving.destination'), s3),
  };
}
