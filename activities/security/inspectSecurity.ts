import type pg from 'pg';
import { checkSecurityConflicts } from './checkSecurityConflicts.ts';
import { diffSecurity } from './diffSecurity.ts';
import { normalisePolicies } from './normalisePolicies.ts';
import { managedRoleNames, readSecurityCatalogue } from './readSecurityCatalogue.ts';
import type { SecurityChange } from './SecurityChange.ts';
import type { SecurityModel } from './SecurityModel.ts';

/** Reads the catalogue, refuses conflicts, proves the policies and lists the changes; inside a transaction. */
export async function inspectSecurity(client: pg.ClientBase, model: SecurityModel): Promise<SecurityChange[]> {
  const live = await readSecurityCatalogue(client, model);
  checkSecurityConflicts(model, live);
  const missingRoles = managedRoleNames(model).filter((name) => !live.roles.has(name));
  const policies = await normalisePolicies(client, model, missingRoles);
  return diffSecurity(model, live, policies);
}
