import { DbarchError } from '../../../errors/DbarchError.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import { manifestKey, type BaseBackupManifest } from './BaseBackupManifest.ts';

/**
 * The manifest of a complete base backup (DBA_BACKUP_OBJECT_MISSING when the backup is absent or incomplete).
 * Its mac is checked by whoever holds the data key (openBaseBackup), not here: listing needs no key.
 */
export async function readBaseBackupManifest(store: ObjectStore, backupId: string): Promise<BaseBackupManifest> {
  const bytes = await store.getBytes(manifestKey(backupId));
  let manifest: BaseBackupManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as BaseBackupManifest;
  } catch (cause) {
    throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', `${manifestKey(backupId)} in ${store.destination} is not JSON`, { cause });
  }
  if (manifest.formatVersion !== 1 || manifest.kind !== 'base' || manifest.backupId !== backupId || !Array.isArray(manifest.objects)) {
    throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', `${manifestKey(backupId)} in ${store.destination} is not a dbarch base backup manifest of format 1`);
  }
  return manifest;
}
