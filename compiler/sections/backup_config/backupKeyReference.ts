import { kmsKeyReference } from '../../grammar/parseKmsKeyReference.ts';
import type { CompiledSpec } from '../../CompiledSpec.ts';

/** The KMS key backups are wrapped by when security_config names aws_kms without a key_id. */
export const defaultKmsKeyId = 'alias/dbarch-backups';

/**
 * The key reference that wraps a spec's backup data keys (base backups, WAL, schema dumps), undefined when backups
 * are not encrypted: base_backups.encryption_key as written; else, with encryption at rest on aws_kms, that key
 * (`aws-kms://<key_id>?region=…&endpoint=…`); else the local master key in $DBARCH_BACKUP_KEY.
 */
export function backupKeyReference(spec: Pick<CompiledSpec, 'backup_config' | 'security_config'>): string | undefined {
  const base = spec.backup_config?.base_backups;
  if (base?.encryption !== 'aes-256') return undefined;
  if (base.encryption_key !== undefined) return base.encryption_key;
  const atRest = spec.security_config?.encryption?.at_rest;
  if (atRest?.enabled === true && atRest.provider === 'aws_kms') {
    return kmsKeyReference({ keyId: atRest.key_id ?? defaultKmsKeyId, ...(atRest.region ? { region: atRest.region } : {}), ...(atRest.endpoint ? { endpoint: atRest.endpoint } : {}) });
  }
  return '${DBARCH_BACKUP_KEY}';
}
