import { listBaseBackups } from '../activities/backup/baseBackup/listBaseBackups.ts';
import type { KeyProvider } from '../activities/backup/crypto/KeyProvider.ts';
import { keyProviderFromReference } from '../activities/backup/crypto/keyProviderFromReference.ts';
import { openObjectStore } from '../activities/backup/store/openObjectStore.ts';
import { resolveEnvReferences } from '../compiler/grammar/envReference.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { backupKeyReference } from '../compiler/sections/backup_config/backupKeyReference.ts';
import { DbarchError } from '../errors/DbarchError.ts';
import { loadPluginRegistry } from '../plugins/loadPluginRegistry.ts';
import { planningError } from './planningError.ts';

export interface BaseBackupTarget {
  /** base_backups.destination, resolved on this machine. */
  readonly destination: string;
  readonly keyProvider?: KeyProvider;
}

/** Where a spec's base backups are and the key that opens them, resolved here (for verify, list and restore). */
export async function baseBackupTarget(paths: readonly string[], destinationOverride?: string): Promise<BaseBackupTarget> {
  const registry = await loadPluginRegistry();
  const compiled = await compileSpec(paths, { sections: registry.sections() });
  if (!compiled.valid || !compiled.spec) throw planningError(`${paths.join(', ')} is not valid`, compiled.errors);
  const base = compiled.spec.backup_config?.base_backups;
  const written = destinationOverride ?? base?.destination;
  if (written === undefined) throw new DbarchError('DBA_USAGE', `${paths.join(', ')} has no backup_config.base_backups.destination`, { hint: 'Pass --destination <url>.' });
  const destination = resolveEnvReferences(written, process.env);
  if (!destination.ok) throw new DbarchError('DBA_BACKUP_DESTINATION_UNSUPPORTED', `destination ${written}: ${destination.message}`);
  const keyReference = backupKeyReference(compiled.spec);
  return {
    destination: destination.value,
    ...(keyReference ? { keyProvider: await keyProviderFromReference(keyReference) } : {}),
  };
}

/** `latest` (or nothing) is the newest complete backup at the destination. */
export async function resolveBaseBackupId(destination: string, requested: string | undefined): Promise<string> {
  if (requested !== undefined && requested !== 'latest') return requested;
  const newest = (await listBaseBackups(openObjectStore(destination))).at(-1);
  if (newest === undefined) throw new DbarchError('DBA_BACKUP_NOT_FOUND', `no complete base backup in ${destination}`);
  return newest.backupId;
}
