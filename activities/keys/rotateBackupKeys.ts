import { keyProviderFromReference } from '../backup/crypto/keyProviderFromReference.ts';
import type { S3Settings } from '../backup/store/S3Settings.ts';
import { openObjectStore } from '../backup/store/openObjectStore.ts';
import { rewrapStoredKeys, type RewrapProgress, type RewrapReport } from './rewrapStoredKeys.ts';

export interface RotateBackupKeysRequest {
  /** The current key (base_backups.encryption_key, or security_config's aws_kms key). */
  readonly keyReference: string;
  /** Only when leaving a local master key: the one the stored keys are under now. */
  readonly previousKeyReference?: string;
  /** base_backups.destination and cross-region copies, resolved. */
  readonly backupDestinations: readonly string[];
  readonly walDestinations: readonly string[];
  readonly cutoff: string;
  readonly s3?: S3Settings;
}

/** Opens the key providers and stores a rotation names (on the worker, where the references resolve) and re-wraps. */
export async function rotateBackupKeys(request: RotateBackupKeysRequest, execution: { signal?: AbortSignal; progress?: (p: RewrapProgress) => void } = {}): Promise<RewrapReport> {
  const keys = await keyProviderFromReference(request.keyReference);
  const previousKeys = request.previousKeyReference === undefined ? undefined : await keyProviderFromReference(request.previousKeyReference);
  const open = (destination: string) => openObjectStore(destination, ...(request.s3 ? [request.s3] : []));
  return rewrapStoredKeys(
    {
      keys,
      ...(previousKeys ? { previousKeys } : {}),
      backupStores: request.backupDestinations.map(open),
      walStores: request.walDestinations.map(open),
      cutoff: request.cutoff,
    },
    execution,
  );
}
