import { timingSafeEqual } from 'node:crypto';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { KeyProvider } from '../crypto/KeyProvider.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import type { BaseBackupManifest } from './BaseBackupManifest.ts';
import { manifestMac } from './manifestMac.ts';
import { readBaseBackupManifest } from './readBaseBackupManifest.ts';

export interface OpenedBaseBackup {
  readonly manifest: BaseBackupManifest;
  /** The unwrapped data key; undefined for an unencrypted backup. */
  readonly dataKey: Buffer | undefined;
}

/**
 * Reads a complete backup's manifest and, for an encrypted one, unwraps its data key and checks the manifest's
 * mac, before any data object is read: a wrong key (DBA_BACKUP_KEY_WRONG), no key (DBA_BACKUP_KEY_MISSING) or a
 * changed manifest (DBA_BACKUP_CHECKSUM_MISMATCH) is refused with nothing read or written.
 */
export async function openBaseBackup(store: ObjectStore, backupId: string, keyProvider: KeyProvider | undefined): Promise<OpenedBaseBackup> {
  const manifest = await readBaseBackupManifest(store, backupId);
  if (manifest.encryption === null) return { manifest, dataKey: undefined };
  if (!keyProvider) {
    throw new DbarchError('DBA_BACKUP_KEY_MISSING', `backup ${backupId} is encrypted (master key ${manifest.encryption.wrappedKey.keyId}) and no key was given`);
  }
  const dataKey = await keyProvider.unwrapKey(manifest.encryption.wrappedKey);
  const expected = Buffer.from(manifestMac(manifest, dataKey), 'hex');
  const given = Buffer.from(manifest.mac ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DbarchError('DBA_BACKUP_CHECKSUM_MISMATCH', `the manifest of backup ${backupId} was changed after it was written (its mac does not match)`, {
      details: { backupId, object: `${backupId}/backup.json` },
    });
  }
  return { manifest, dataKey };
}
