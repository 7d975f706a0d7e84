import type { ObjectStore } from '../store/ObjectStore.ts';
import type { BaseBackupManifest } from './BaseBackupManifest.ts';
import { readBaseBackupManifest } from './readBaseBackupManifest.ts';

/**
 * The complete base backups at a destination, oldest first: exactly those with a manifest. An attempt that died
 * half way has objects but no manifest, so it is never listed.
 */
export async function listBaseBackups(store: ObjectStore): Promise<BaseBackupManifest[]> {
  const ids = (await store.list('')).map((o) => /^([^/]+)\/backup\.json$/.exec(o.key)?.[1]).filter((id): id is string => id !== undefined);
  const manifests = await Promise.all(ids.map((id) => readBaseBackupManifest(store, id)));
  return manifests.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
}
