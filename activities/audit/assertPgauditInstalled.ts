import { existsSync } from 'node:fs';
import path from 'node:path';
import { DbarchError } from '../../errors/DbarchError.ts';
import { serverBinDir } from '../cluster/serverTool.ts';

/**
 * DBA_AUDIT_PGAUDIT_MISSING unless the server programs' library directory has pgaudit: a member configured to preload
 * it without it would not start, and PostgreSQL's own message says less. Checked before dbarch.conf names it.
 */
export function assertPgauditInstalled(env: NodeJS.ProcessEnv = process.env): void {
  const library = path.join(serverBinDir(env), '..', 'lib', 'pgaudit.so');
  if (existsSync(library)) return;
  throw new DbarchError('DBA_AUDIT_PGAUDIT_MISSING', `security_config.audit_logging is enabled but pgaudit is not installed (no ${path.resolve(library)}); nothing was changed`, { details: { library: path.resolve(library) } });
}
