import { Type, type Static } from '@sinclair/typebox';
import { durationField } from '../../schema/durationField.ts';
import { grammarString } from '../../schema/grammarString.ts';
import { namedString } from '../../schema/namedString.ts';
import { stringEnum } from '../../schema/stringEnum.ts';

const compression = ['zstd', 'gzip', 'lz4', 'none'] as const;

export const BaseBackups = Type.Object(
  {
    frequency: grammarString('dbarch-frequency', { description: 'When base backups run: hourly, daily, weekly, monthly, `every 6h`, or cron.', examples: ['daily', '0 3 * * *'] }),
    retention: durationField({ description: 'How long base backups are kept.', examples: ['30d'] }),
    destination: grammarString('dbarch-destination', { description: 'Where base backups go.', examples: ['s3://backups/database/', 'file:///var/backups/dbarch/'] }),
    compression: Type.Optional(stringEnum(compression, { description: 'Compression of backup files.', default: 'zstd' })),
    encryption: Type.Optional(stringEnum(['aes-256', 'none'] as const, { description: 'Encryption of backup files.', default: 'none' })),
    encryption_key: Type.Optional(grammarString('dbarch-secret', { description: 'Encryption key reference (otherwise the at-rest key provider).', examples: ['${BACKUP_KEY}'] })),
  },
  { additionalProperties: false },
);

export const WalArchiving = Type.Object(
  {
    enabled: Type.Boolean(),
    destination: Type.Optional(grammarString('dbarch-destination', { description: 'Where WAL segments go (required when enabled).', examples: ['s3://wal-archive/'] })),
    compression: Type.Optional(stringEnum(compression, { description: 'Compression of WAL segments.', default: 'zstd' })),
    retention: Type.Optional(durationField({ description: 'How long WAL is kept.', examples: ['7d'] })),
  },
  { additionalProperties: false },
);

export const PointInTimeRecovery = Type.Object(
  {
    enabled: Type.Boolean(),
    recovery_window: Type.Optional(durationField({ description: 'How far back a restore can go (required when enabled).', examples: ['7d'] })),
  },
  { additionalProperties: false },
);

export const CrossRegionReplication = Type.Object(
  {
    enabled: Type.Boolean(),
    target_region: Type.Optional(namedString('region', { description: 'Region receiving copies (required when enabled).', examples: ['us-west-2'] })),
    sync_mode: Type.Optional(stringEnum(['async', 'sync'] as const, { description: 'Whether copies are made before a backup counts as done.', default: 'async' })),
    destination: Type.Optional(grammarString('dbarch-destination', { description: 'Bucket in the target region.' })),
    wal_copy_frequency: Type.Optional(
      grammarString('dbarch-frequency', {
        description: 'How often the WAL archive is copied to the destination (Temporal Schedule wal-copy:<cluster>); also after every base backup.',
        default: 'every 5m',
        examples: ['every 5m', 'every 1m'],
      }),
    ),
  },
  { additionalProperties: false },
);

export const BackupConfigSchema = Type.Object(
  {
    strategy: stringEnum(['continuous', 'scheduled', 'snapshot'] as const, { description: '`continuous`: base backups plus WAL archiving; `scheduled`: base backups only.' }),
    cluster: Type.Optional(namedString('name', { description: 'Cluster (from `clusters`) to back up.' })),
    base_backups: Type.Optional(BaseBackups),
    wal_archiving: Type.Optional(WalArchiving),
    point_in_time_recovery: Type.Optional(PointInTimeRecovery),
    cross_region_replication: Type.Optional(CrossRegionReplication),
  },
  { additionalProperties: false },
);

export type BackupConfig = Static<typeof BackupConfigSchema>;
