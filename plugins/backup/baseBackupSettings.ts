import { memberUrl } from '../../compiler/sections/clusters/memberUrl.ts';
import { backupKeyReference } from '../../compiler/sections/backup_config/backupKeyReference.ts';
import type { CompiledSpec } from '../../compiler/CompiledSpec.ts';
import type { PlanSetting } from '../definePlugin.ts';

/** The cluster backup_config backs up: `backup_config.cluster`, else the spec's only cluster. */
export function backupCluster(sections: Pick<CompiledSpec, 'backup_config' | 'clusters'>): string | undefined {
  const clusters = sections.clusters ?? [];
  return sections.backup_config?.cluster ?? (clusters.length === 1 ? clusters[0]!.name : undefined);
}

/**
 * What dbarch/base_backup reads as `{{ backup.<key> }}`: the cluster and its primary's connection reference (a
 * cluster dbarch does not manage: `primary`; a managed one: its first member), compression and encryption (the key
 * reference: base_backups.encryption_key, else security_config's aws_kms key, else $DBARCH_BACKUP_KEY).
 */
export function baseBackupSettings(sections: Pick<CompiledSpec, 'backup_config' | 'clusters' | 'security_config'>): Record<string, PlanSetting> {
  const base = sections.backup_config?.base_backups;
  const at = ['backup_config', 'base_backups'];
  const name = backupCluster(sections);
  const cluster = (sections.clusters ?? []).find((c) => c.name === name);
  const first = cluster?.members?.[0];
  const connection = cluster?.primary ?? (first ? memberUrl(first) : undefined);
  const encryption = base?.encryption ?? 'none';
  const copy = sections.backup_config?.cross_region_replication;
  const copying = copy?.enabled === true && copy.destination !== undefined;
  const wal = sections.backup_config?.wal_archiving;
  return {
    cluster: { value: name ?? null, source: { path: ['backup_config', 'cluster'], hint: 'name the cluster (from `clusters`) to back up' } },
    connection: { value: connection ?? null, source: { path: ['clusters'], hint: `give cluster ${name ?? '?'} a \`primary\` connection or \`members\`` } },
    compression: { value: base?.compression ?? 'zstd', source: { path: [...at, 'compression'] } },
    retention: { value: base?.retention ?? null, source: { path: [...at, 'retention'] } },
    // cross_region_replication: async copies may trail (a failed copy does not fail the backup), sync ones must succeed.
    copy_destination: { value: copying ? copy.destination : null, source: { path: ['backup_config', 'cross_region_replication', 'destination'] } },
    // WAL is copied too when it is archived: a copied base backup alone restores only to its own end.
    wal_destination: { value: wal?.enabled === true ? (wal.destination ?? null) : null, source: { path: ['backup_config', 'wal_archiving', 'destination'] } },
    copy_wal: { value: copying && wal?.enabled === true && wal.destination !== undefined },
    cross_region_async: { value: copying && (copy.sync_mode ?? 'async') === 'async' },
    cross_region_sync: { value: copying && copy.sync_mode === 'sync' },
    encryption: { value: encryption, source: { path: [...at, 'encryption'] } },
    encryption_key: {
      value: backupKeyReference(sections) ?? null,
      source: { path: [...at, 'encryption_key'], hint: 'a `${ENV}` or `file:///path` reference to a 32-byte key (openssl rand -base64 32), or a KMS key `aws-kms://alias/…`' },
    },
  };
}
