import { defineSection } from '../../SectionDefinition.ts';
import { checkBackupConfig } from './checks.ts';
import { BackupConfigSchema } from './schema.ts';

export const backupConfigSection = defineSection({
  key: 'backup_config',
  title: 'Backup and disaster recovery',
  description: 'Base backups, WAL archiving, point-in-time recovery and cross-region copies, with retention checked against the recovery window.',
  schema: BackupConfigSchema,
  check: checkBackupConfig,
});
