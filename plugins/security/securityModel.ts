import type { DesiredRole, GrantTarget, SecurityModel } from '../../activities/security/SecurityModel.ts';
import type { DeepReadonly } from '../../compiler/DeepReadonly.ts';
import type { SecurityConfig } from '../../compiler/sections/security_config/schema.ts';

type Role = NonNullable<SecurityConfig['authorization']>['roles'][number];

const tablePrivileges = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'];

/**
 * What a role's `permissions` mean per object kind. Every role may CONNECT to the database and USE its schemas;
 * table privileges apply to every table and view of the schemas; sequences follow (SELECT → SELECT, INSERT →
 * USAGE for nextval() of serial columns, UPDATE → UPDATE); CREATE is the database's and the schemas'; ALL is all
 * of them. `no_truncate` removes TRUNCATE whatever else says so.
 */
export function roleGrants(role: DeepReadonly<Role>): Record<GrantTarget, string[]> {
  const given = new Set<string>(role.permissions);
  const all = given.has('ALL') || given.has('ALL PRIVILEGES');
  const has = (p: string) => all || given.has(p);
  const noTruncate = role.restrictions?.includes('no_truncate') ?? false;
  const table = tablePrivileges.filter((p) => p !== 'MAINTAIN' || given.has('MAINTAIN')).filter((p) => has(p) && !(p === 'TRUNCATE' && noTruncate));
  return {
    database: ['CONNECT', ...(has('CREATE') ? ['CREATE'] : []), ...(has('TEMPORARY') || has('TEMP') ? ['TEMPORARY'] : [])],
    schema: ['USAGE', ...(has('CREATE') ? ['CREATE'] : [])],
    table,
    sequence: [...(has('SELECT') ? ['SELECT'] : []), ...(has('INSERT') || has('USAGE') ? ['USAGE'] : []), ...(has('UPDATE') ? ['UPDATE'] : [])],
    function: has('EXECUTE') ? ['EXECUTE'] : [],
  };
}

function desiredRole(role: DeepReadonly<Role>): DesiredRole {
  return {
    name: role.name,
    schemas: [...(role.schemas ?? ['public'])],
    grants: roleGrants(role),
    members: (role.members ?? []).map((m) => {
      const member = typeof m === 'string' ? { name: m } : m;
      const password = member.password ?? role.password;
      return password === undefined ? { name: member.name } : { name: member.name, password };
    }),
    inherits: [...(role.inherits ?? [])],
    noDdl: role.restrictions?.includes('no_ddl') ?? false,
    noTruncate: role.restrictions?.includes('no_truncate') ?? false,
  };
}

/** security_config as the state the security engine reconciles a database to. */
export function securityModel(config: DeepReadonly<SecurityConfig>): SecurityModel {
  const rls = config.row_level_security;
  return {
    roles: (config.authorization?.roles ?? []).map(desiredRole),
    userIdType: rls?.user_id_type ?? 'text',
    rowLevelSecurity: (rls?.tables ?? []).map((t) => {
      const [schema, table] = t.table.includes('.') ? t.table.split('.') : ['public', t.table];
      return {
        schema: schema ?? 'public',
        table: table ?? t.table,
        force: t.force ?? true,
        policies: t.policies.map((p) => ({
          name: p.name,
          command: p.command ?? 'ALL',
          roles: [...(p.roles ?? ['public'])],
          permissive: p.permissive ?? true,
          ...(p.using === undefined ? {} : { using: p.using }),
          ...(p.with_check === undefined ? {} : { withCheck: p.with_check }),
        })),
      };
    }),
  };
}
