import pg from 'pg';
import { currentUserIdSource, installCurrentUserIdSql } from './currentUserIdSql.ts';
import type { LiveCatalogue } from './LiveCatalogue.ts';
import type { NormalisedPolicies } from './normalisePolicies.ts';
import { dropNoDdlTriggerSql, installNoDdlTriggerSql, noDdlFunctionBody } from './noDdlTriggerSql.ts';
import { dropOwnerGuardTriggerSql, installOwnerGuardTriggerSql, ownerGuardFunctionBody } from './ownerGuardTriggerSql.ts';
import { createPolicySql, dropPolicySql } from './policySql.ts';
import type { SecurityChange } from './SecurityChange.ts';
import type { GrantTarget, SecurityModel } from './SecurityModel.ts';

const id = (name: string) => pg.escapeIdentifier(name);
const keyword: Record<GrantTarget, string> = { database: 'DATABASE', schema: 'SCHEMA', table: 'TABLE', sequence: 'SEQUENCE', function: 'ROUTINE' };
// PostgreSQL 15 spells default privileges on routines FUNCTIONS.
const defaultSql = { table: 'TABLES', sequence: 'SEQUENCES', function: 'FUNCTIONS' } as const;

interface Privilege {
  readonly target: GrantTarget;
  readonly object: string;
  readonly grantee: string;
  readonly privilege: string;
}

/** Groups privileges by (object, grantee) into one GRANT or REVOKE statement each. */
function grouped(privileges: readonly Privilege[], verb: 'GRANT' | 'REVOKE', drift: boolean): SecurityChange[] {
  const groups = new Map<string, { first: Privilege; names: string[] }>();
  for (const p of privileges) {
    const key = `${p.target} ${p.object} ${p.grantee}`;
    const group = groups.get(key) ?? { first: p, names: [] };
    group.names.push(p.privilege);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ first, names }) => ({
    kind: verb === 'GRANT' ? 'grant' : 'revoke',
    sql: `${verb} ${names.sort().join(', ')} ON ${keyword[first.target]} ${first.object} ${verb === 'GRANT' ? 'TO' : 'FROM'} ${id(first.grantee)}`,
    drift,
  }));
}

const privilegeKey = (p: Privilege) => `${p.target}\u0000${p.object}\u0000${p.grantee}\u0000${p.privilege}`;

/**
 * The changes that bring the live catalogue to the model, in the order they must run: roles, memberships,
 * grants, default privileges, the no_ddl trigger, the helper, row security and policies. Everything a managed role
 * holds that the model does not give it is drift and revoked; so are members and policies the spec does not list.
 */
export function diffSecurity(model: SecurityModel, live: LiveCatalogue, policies: NormalisedPolicies): SecurityChange[] {
  const changes: SecurityChange[] = [];
  const groups = model.roles.map((r) => r.name);

  // Roles: groups NOLOGIN, members LOGIN (a password only when dbarch creates the role; it cannot read one back).
  for (const role of model.roles) {
    const found = live.roles.get(role.name);
    if (found === undefined) changes.push({ kind: 'role', sql: `CREATE ROLE ${id(role.name)} NOLOGIN`, drift: false });
    else if (found.login) changes.push({ kind: 'role', sql: `ALTER ROLE ${id(role.name)} NOLOGIN`, drift: true });
  }
  const members = new Map(model.roles.flatMap((r) => r.members.map((m) => [m.name, m] as const)));
  for (const member of members.values()) {
    const found = live.roles.get(member.name);
    if (found === undefined) {
      changes.push({ kind: 'role', sql: `CREATE ROLE ${id(member.name)} LOGIN${member.password === undefined ? '' : ' PASSWORD <secret>'}`, drift: false, ...(member.password === undefined ? {} : { passwordReference: member.password }) });
    } else if (!found.login) changes.push({ kind: 'role', sql: `ALTER ROLE ${id(member.name)} LOGIN`, drift: false });
  }

  // Memberships of the group roles, both ways.
  const wanted = new Set(model.roles.flatMap((r) => [...r.members.map((m) => `${r.name}\u0000${m.name}`), ...r.inherits.map((parent) => `${parent}\u0000${r.name}`)]));
  const held = new Set(live.memberships.map((m) => `${m.role}\u0000${m.member}`));
  for (const entry of wanted) {
    const [role = '', member = ''] = entry.split('\u0000');
    if (!held.has(entry)) changes.push({ kind: 'membership', sql: `GRANT ${id(role)} TO ${id(member)}`, drift: false });
  }
  for (const m of live.memberships) {
    const managedSide = groups.includes(m.role) || groups.includes(m.member);
    if (managedSide && !wanted.has(`${m.role}\u0000${m.member}`)) changes.push({ kind: 'membership', sql: `REVOKE ${id(m.role)} FROM ${id(m.member)}`, drift: true });
  }

  // Object privileges: what each group role's permissions expand to over the objects that exist now.
  const desired: Privilege[] = [];
  for (const role of model.roles) {
    const schemas = role.schemas.filter((s) => live.schemas.includes(s));
    for (const privilege of role.grants.database) desired.push({ target: 'database', object: id(live.database), grantee: role.name, privilege });
    for (const schema of schemas) for (const privilege of role.grants.schema) desired.push({ target: 'schema', object: id(schema), grantee: role.name, privilege });
    for (const object of live.objects) {
      if (!schemas.includes(object.schema)) continue;
      for (const privilege of role.grants[object.target]) desired.push({ target: object.target, object: object.object, grantee: role.name, privilege });
    }
  }
  const desiredKeys = new Set(desired.map(privilegeKey));
  const liveKeys = new Set(live.privileges.map(privilegeKey));
  changes.push(...grouped(desired.filter((p) => !liveKeys.has(privilegeKey(p))), 'GRANT', false));
  changes.push(...grouped(live.privileges.filter((p) => !desiredKeys.has(privilegeKey(p))), 'REVOKE', true));

  // Default privileges of the applying user, so the objects it creates later follow the spec.
  const desiredDefaults = model.roles.flatMap((role) =>
    role.schemas.filter((s) => live.schemas.includes(s)).flatMap((schema) =>
      (['table', 'sequence', 'function'] as const).flatMap((target) => role.grants[target].map((privilege) => ({ schema, target, grantee: role.name, privilege })))));
  const defaultKey = (d: { schema: string; target: string; grantee: string; privilege: string }) => `${d.schema}\u0000${d.target}\u0000${d.grantee}\u0000${d.privilege}`;
  const liveDefaults = new Set(live.defaults.map(defaultKey));
  const wantedDefaults = new Set(desiredDefaults.map(defaultKey));
  const defaultChange = (d: { schema: string; target: 'table' | 'sequence' | 'function'; grantee: string; privilege: string }, verb: 'GRANT' | 'REVOKE'): SecurityChange => ({
    kind: 'default_privileges',
    sql: `ALTER DEFAULT PRIVILEGES FOR ROLE ${id(live.currentUser)} IN SCHEMA ${id(d.schema)} ${verb} ${d.privilege} ON ${defaultSql[d.target]} ${verb === 'GRANT' ? 'TO' : 'FROM'} ${id(d.grantee)}`,
    drift: verb === 'REVOKE',
  });
  changes.push(...desiredDefaults.filter((d) => !liveDefaults.has(defaultKey(d))).map((d) => defaultChange(d, 'GRANT')));
  changes.push(...live.defaults.filter((d) => !wantedDefaults.has(defaultKey(d))).map((d) => defaultChange(d, 'REVOKE')));

  // no_ddl: one event trigger per database naming every no_ddl role.
  const noDdl = model.roles.filter((r) => r.noDdl).map((r) => r.name).sort();
  if (noDdl.length > 0 && live.noDdlSource !== noDdlFunctionBody(noDdl)) changes.push({ kind: 'restriction', sql: installNoDdlTriggerSql(noDdl), drift: live.noDdlSource !== null });
  if (noDdl.length === 0 && live.noDdlSource !== null) changes.push({ kind: 'restriction', sql: dropNoDdlTriggerSql(), drift: false });
  // no_truncate: the ownership guard, one per database naming every no_truncate role.
  const noTruncate = model.roles.filter((r) => r.noTruncate).map((r) => r.name).sort();
  if (noTruncate.length > 0 && live.ownerGuardSource !== ownerGuardFunctionBody(noTruncate)) changes.push({ kind: 'restriction', sql: installOwnerGuardTriggerSql(noTruncate), drift: live.ownerGuardSource !== null });
  if (noTruncate.length === 0 && live.ownerGuardSource !== null) changes.push({ kind: 'restriction', sql: dropOwnerGuardTriggerSql(), drift: false });

  // Row-level security: the helper, ENABLE and FORCE, the policies.
  if (model.rowLevelSecurity.length > 0 && live.helperSource !== currentUserIdSource(model.userIdType)) {
    const otherType = live.helperSource !== null && !live.helperSource.startsWith(`${model.userIdType}:`);
    changes.push({ kind: 'helper', sql: installCurrentUserIdSql(model.userIdType, otherType), drift: false });
  }
  for (const rls of model.rowLevelSecurity) {
    const key = `${rls.schema}.${rls.table}`;
    const table = `${id(rls.schema)}.${id(rls.table)}`;
    const found = live.tables.get(key);
    if (found === undefined) continue; // normalisePolicies refused it already
    if (!found.rowSecurity) changes.push({ kind: 'row_security', sql: `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`, drift: false });
    if (rls.force !== found.force) changes.push({ kind: 'row_security', sql: `ALTER TABLE ${table} ${rls.force ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`, drift: !rls.force });
    for (const existing of found.policies) {
      if (!rls.policies.some((p) => p.name === existing.name)) changes.push({ kind: 'policy', sql: dropPolicySql(table, existing.name), drift: true });
    }
    for (const policy of rls.policies) {
      const existing = found.policies.find((p) => p.name === policy.name);
      const normal = policies.get(`${key}/${policy.name}`);
      const same = existing !== undefined && normal !== undefined
        && existing.command === policy.command && existing.permissive === policy.permissive
        && [...existing.roles].sort().join(',') === [...policy.roles].sort().join(',')
        && existing.using === normal.using && existing.withCheck === normal.withCheck;
      if (same) continue;
      // A policy that differs from the spec (changed by hand, or the spec changed) is replaced.
      if (existing !== undefined) changes.push({ kind: 'policy', sql: dropPolicySql(table, policy.name), drift: false });
      changes.push({ kind: 'policy', sql: createPolicySql(table, policy), drift: false });
    }
  }
  return changes;
}
