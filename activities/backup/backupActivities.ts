import { dbarchConfig } from '../../runtime/dbarchConfig.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BackupToolOptions } from './BackupToolOptions.ts';
import { dumpSchemas } from './dumpSchemas.ts';
import { restoreSchemas } from './restoreSchemas.ts';

/** backup_before_migrate and restore-on-rollback: schema-level logical backups with pg_dump/pg_restore. */
export function backupActivities(deps: ActivityDeps, tools: BackupToolOptions = { pgBinDir: dbarchConfig().pgBinDir }) {
  return { dumpSchemas: dumpSchemas(deps, tools), restoreSchemas: restoreSchemas(deps, tools) };
}

export type BackupActivities = ReturnType<typeof backupActivities>;
