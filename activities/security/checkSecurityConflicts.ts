import { DbarchError } from '../../errors/DbarchError.ts';
import type { LiveCatalogue } from './LiveCatalogue.ts';
import type { SecurityModel } from './SecurityModel.ts';

/**
 * What dbarch refuses to reconcile, before any change is listed: a managed role that is a superuser or bypasses RLS
 * (dbarch does not demote such roles), an ownership path of a no_ddl/no_truncate role (owners may TRUNCATE and
 * ALTER regardless of grants), a privilege the server does not have.
 */
export function checkSecurityConflicts(model: SecurityModel, live: LiveCatalogue): void {
  const strong = [...live.roles.values()].filter((r) => r.superuser || r.bypassRls);
  if (strong.length > 0) {
    throw new DbarchError('DBA_SECURITY_ROLE_CONFLICT', `managed role${strong.length === 1 ? '' : 's'} ${strong.map((r) => `${r.name} (${r.superuser ? 'SUPERUSER' : 'BYPASSRLS'})`).join(', ')} would not be bound by grants or policies`, { details: { roles: strong.map((r) => r.name) } });
  }
  if (live.ownershipPaths.length > 0) {
    const shown = live.ownershipPaths.slice(0, 5).map((p) => `${p.role} → ${p.object} (owned by ${p.owner})`);
    throw new DbarchError('DBA_SECURITY_OWNERSHIP_PATH', `restricted roles reach objects they own: ${shown.join(', ')}${live.ownershipPaths.length > 5 ? `, and ${live.ownershipPaths.length - 5} more` : ''}`, { details: { paths: live.ownershipPaths } });
  }
  if (live.serverVersion < 170000) {
    const maintain = model.roles.filter((r) => r.grants.table.includes('MAINTAIN'));
    if (maintain.length > 0) throw new DbarchError('DBA_SECURITY_PRIVILEGE_UNSUPPORTED', `MAINTAIN (role ${maintain.map((r) => r.name).join(', ')}) needs PostgreSQL 17; this server is ${live.serverVersion}`);
  }
}
