import { listBaseBackups } from '../backup/baseBackup/listBaseBackups.ts';
import { manifestKey as baseManifestKey, type BaseBackupManifest } from '../backup/baseBackup/BaseBackupManifest.ts';
import { manifestMac } from '../backup/baseBackup/manifestMac.ts';
import { openBaseBackup } from '../backup/baseBackup/openBaseBackup.ts';
import type { KeyProvider } from '../backup/crypto/KeyProvider.ts';
import type { WrappedKey } from '../backup/crypto/WrappedKey.ts';
import { readPublishedManifest } from '../backup/schemaDumpStore.ts';
import type { ObjectStore } from '../backup/store/ObjectStore.ts';
import { decodeWalObject, encodeWalObjectHeader } from '../backup/wal/WalObjectHeader.ts';
import { walPrefix } from '../backup/wal/walObjectKey.ts';
import { needsRewrap } from './needsRewrap.ts';

export interface RewrapRequest {
  /** Where base backups and schema dumps are (base_backups.destination, cross-region copies). */
  readonly backupStores: readonly ObjectStore[];
  /** WAL archives (wal_archiving.destination). */
  readonly walStores: readonly ObjectStore[];
  /** The current key: every data key ends up wrapped by it. */
  readonly keys: KeyProvider;
  /** Opens what `keys` cannot (a rotation away from a local master key); default: `keys` (KMS decrypts old keys). */
  readonly previousKeys?: KeyProvider;
  /** When this rotation began (ISO): on a versioned key, what was wrapped before it is re-wrapped. Fixed across retries. */
  readonly cutoff: string;
}

export interface RewrapProgress {
  readonly cutoff: string;
  readonly rewrapped: number;
  readonly skipped: number;
  readonly object?: string;
}

export interface RewrapReport {
  readonly cutoff: string;
  /** The ARN (or fingerprint) every data key is now wrapped by. */
  readonly keyId: string;
  readonly rewrapped: { readonly baseBackups: number; readonly schemaDumps: number; readonly walFiles: number };
  /** Already under the current key (an earlier run, or a resumed one), or not encrypted. */
  readonly skipped: number;
}

/** The WAL header is the object's first line; this much of the object holds it. */
const walHeadBytes = 4096;

/**
 * key_rotation: re-wraps the stored data keys under the current master key, without re-encrypting any data (a
 * data key is unwrapped, wrapped again, and only the small record that carries it is rewritten): base backup
 * manifests (their mac recomputed under the same data key), schema dump manifests, and the clear-text header of
 * each archived WAL file (read by a range first, the whole object fetched only when it must change). Each record is
 * replaced by one atomic put, so a run stopped anywhere (KMS down, worker killed) leaves every record old or new,
 * and all restorable. Idempotent and resumable: what is already under the current key is skipped.
 */
export async function rewrapStoredKeys(request: RewrapRequest, execution: { signal?: AbortSignal; progress?: (p: RewrapProgress) => void } = {}): Promise<RewrapReport> {
  const keyId = await request.keys.currentKeyId();
  const current = { keyId, versioned: request.keys.versioned };
  // KMS decrypts every key it holds, old or new; a local master key opens only its own (else the previous one).
  const openerOf = (wrapped: WrappedKey): KeyProvider =>
    wrapped.algorithm === request.keys.algorithm && (request.keys.versioned || wrapped.keyId === keyId) ? request.keys : (request.previousKeys ?? request.keys);
  const counts = { baseBackups: 0, schemaDumps: 0, walFiles: 0 };
  let skipped = 0;
  const step = (object: string, changed: keyof typeof counts | undefined) => {
    if (changed === undefined) skipped++;
    else counts[changed]++;
    execution.progress?.({ cutoff: request.cutoff, rewrapped: counts.baseBackups + counts.schemaDumps + counts.walFiles, skipped, object });
  };
  // Checked before each record: a cancelled or shut-down step stops between two atomic puts, never inside one.
  const next = () => execution.signal?.throwIfAborted();
  const unwrap = (wrapped: WrappedKey) => openerOf(wrapped).unwrapKey(wrapped);

  for (const store of request.backupStores) {
    for (const listed of await listBaseBackups(store)) {
      next();
      const key = baseManifestKey(listed.backupId);
      if (listed.encryption === null || !needsRewrap(listed.encryption.wrappedKey, current, request.cutoff)) {
        step(key, undefined);
        continue;
      }
      // openBaseBackup checks the mac with the unwrapped key: a changed manifest is refused, never re-signed.
      const { manifest, dataKey } = await openBaseBackup(store, listed.backupId, openerOf(listed.encryption.wrappedKey));
      const { mac: _old, ...unsigned } = manifest;
      const rewrapped: BaseBackupManifest = { ...unsigned, encryption: { ...manifest.encryption!, wrappedKey: await request.keys.wrapKey(dataKey!) } };
      await store.put(key, JSON.stringify({ ...rewrapped, mac: manifestMac(rewrapped, dataKey!) }, null, 1));
      step(key, 'baseBackups');
    }
    for (const object of await store.list('')) {
      const id = /^([^/]+)\.manifest\.json$/.exec(object.key)?.[1];
      if (id === undefined) continue;
      next();
      const manifest = await readPublishedManifest(store, id);
      if (manifest?.encryption === undefined || !needsRewrap(manifest.encryption.wrappedKey, current, request.cutoff)) {
        step(object.key, undefined);
        continue;
      }
      const dataKey = await unwrap(manifest.encryption.wrappedKey);
      const republished = { ...manifest, encryption: { ...manifest.encryption, wrappedKey: await request.keys.wrapKey(dataKey) } };
      await store.put(object.key, `${JSON.stringify(republished, null, 2)}\n`);
      step(object.key, 'schemaDumps');
    }
  }

  for (const store of request.walStores) {
    for (const object of await store.list(walPrefix)) {
      const name = object.key.slice(walPrefix.length);
      if (name.endsWith('.dbarch-partial') || name === '') continue;
      next();
      const head = await store.getBytes(object.key, { range: { start: 0, end: Math.min(walHeadBytes, object.size) } });
      const { header } = decodeWalObject(head.includes(0x0a) ? head : await store.getBytes(object.key), name);
      if (header.wrappedKey === undefined || !needsRewrap(header.wrappedKey, current, request.cutoff)) {
        step(object.key, undefined);
        continue;
      }
      const { payload } = decodeWalObject(await store.getBytes(object.key), name);
      const dataKey = await unwrap(header.wrappedKey);
      const rewritten = { ...header, wrappedKey: await request.keys.wrapKey(dataKey) };
      await store.put(object.key, Buffer.concat([encodeWalObjectHeader(rewritten), payload]));
      step(object.key, 'walFiles');
    }
  }
  return { cutoff: request.cutoff, keyId, rewrapped: counts, skipped };
}
