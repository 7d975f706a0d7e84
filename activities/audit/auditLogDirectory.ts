import path from 'node:path';
import type { MemberPaths } from '../cluster/memberPaths.ts';

/** Where a managed member's jsonlog goes: beside PGDATA, so pg_basebackup and pg_rewind never copy it to another member. */
export function auditLogDirectory(paths: Pick<MemberPaths, 'root'>): string {
  return path.join(paths.root, 'audit-log');
}
