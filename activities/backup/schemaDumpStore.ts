import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { BackupManifest } from './BackupManifest.ts';
import { backupFiles } from './backupFiles.ts';
import { decryptStream } from './crypto/decryptStream.ts';
import { encryptStream } from './crypto/encryptStream.ts';
import { keyProviderFromReference } from './crypto/keyProviderFromReference.ts';
import type { ObjectStore } from './store/ObjectStore.ts';

/**
 * Schema dumps (backup_before_migrate) at a destination that is not a local directory, e.g. the seed's
 * `s3://backups/database/`: pg_dump writes to a local staging directory as for file:// (these dumps hold the
 * schemas a migration touches, not the cluster), then the dump and, last and only if absent, its manifest are
 * put in the object store, so a manifest there means the dump is whole. With a master key reference the dump is
 * stored in the chunked AES-256-GCM framing of the base backups, under a data key of its own that the manifest
 * carries wrapped; the SHA-256 in the manifest stays the plain dump's, checked again after the fetch.
 */
export function isLocalDestination(destination: string): boolean {
  try {
    return new URL(destination).protocol === 'file:';
  } catch {
    return false;
  }
}

/** Where a non-local dump is written before it is published, or fetched to before it is restored. */
export function stagingDestination(backupId: string): { directory: string; url: string } {
  const directory = join(tmpdir(), 'dbarch-schema-dumps', backupId);
  return { directory, url: `${pathToFileURL(directory).href}/` };
}

/** The manifest's key in the store; its URL is the destination's plus this. */
export const manifestKey = (backupId: string) => `${backupId}.manifest.json`;
const dumpKey = (backupId: string) => `${backupId}.dump`;

/** The manifest of a published dump, or undefined when none is published under this id. */
export async function readPublishedManifest(store: ObjectStore, backupId: string): Promise<BackupManifest | undefined> {
  if ((await store.head(manifestKey(backupId))) === undefined) return undefined;
  try {
    return JSON.parse((await store.getBytes(manifestKey(backupId))).toString('utf8')) as BackupManifest;
  } catch (cause) {
    throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', `the manifest of backup ${backupId} at ${store.destination} does not parse`, { cause });
  }
}

/** Puts a complete local dump into the store: the dump (encrypted when a key is given), then the manifest. */
export async function publishSchemaDump(store: ObjectStore, localDirectory: string, manifest: BackupManifest, keyReference?: string): Promise<BackupManifest> {
  const files = backupFiles(localDirectory, manifest.backupId);
  let published: BackupManifest = manifest;
  if (keyReference === undefined) {
    await store.put(dumpKey(manifest.backupId), createReadStream(files.dump));
  } else {
    const provider = await keyProviderFromReference(keyReference);
    const dataKey = randomBytes(32);
    const wrappedKey = await provider.wrapKey(dataKey);
    const encrypted = createReadStream(files.dump).pipe(encryptStream(dataKey, { context: dumpKey(manifest.backupId) }));
    await store.put(dumpKey(manifest.backupId), encrypted);
    published = { ...manifest, encryption: { algorithm: 'aes-256-gcm-chunked', wrappedKey } };
  }
  try {
    await store.put(manifestKey(manifest.backupId), `${JSON.stringify(published, null, 2)}\n`, { ifAbsent: true });
  } catch (error) {
    // An earlier attempt published first: its dump is as good as ours (same id, same schemas), keep it.
    if (!(error instanceof DbarchError && error.code === 'DBA_BACKUP_OBJECT_EXISTS')) throw error;
    return (await readPublishedManifest(store, manifest.backupId)) ?? published;
  }
  return published;
}

/** Fetches a published dump and its manifest into `localDirectory` (decrypted), for restoreSchemas to check and use. */
export async function fetchSchemaDump(store: ObjectStore, backupId: string, localDirectory: string, keyReference?: string): Promise<void> {
  const manifest = await readPublishedManifest(store, backupId);
  if (manifest === undefined) {
    throw new DbarchError('DBA_BACKUP_NOT_FOUND', `no complete backup ${backupId} at ${store.destination}`, { hint: 'A backup is complete once its manifest is there; look at the step that took it.', details: { backupId, destination: store.destination } });
  }
  await rm(localDirectory, { recursive: true, force: true });
  await mkdir(localDirectory, { recursive: true });
  const files = backupFiles(localDirectory, backupId);
  const partial = `${files.dump}.partial`;
  const body = await store.get(dumpKey(backupId));
  if (manifest.encryption === undefined) {
    await pipeline(body, createWriteStream(partial));
  } else {
    if (keyReference === undefined) {
      throw new DbarchError('DBA_BACKUP_KEY_MISSING', `backup ${backupId} is encrypted and no key reference was given`, { hint: 'Pass key_reference (backup_config.base_backups.encryption_key) to the restoring step.' });
    }
    const dataKey = await (await keyProviderFromReference(keyReference)).unwrapKey(manifest.encryption.wrappedKey);
    await pipeline(body, decryptStream(dataKey, { context: dumpKey(backupId), name: dumpKey(backupId) }), createWriteStream(partial));
  }
  await rename(partial, files.dump);
  const { encryption: _stored, ...plain } = manifest;
  await writeFile(files.manifest, `${JSON.stringify(plain, null, 2)}\n`);
}
