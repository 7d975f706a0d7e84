import type pg from 'pg';
import type { LiveCatalogue, LivePolicy, LiveTable } from './LiveCatalogue.ts';
import { helperFunction, noDdlTrigger, ownerGuardTrigger, systemSchemas } from './securityObjects.ts';
import type { SecurityModel } from './SecurityModel.ts';

// Always quoted, as pg.escapeIdentifier quotes, so the catalogue's object names equal the diff's.
const q = (expr: string) => `('"' || replace(${expr}, '"', '""') || '"')`;
const userSchema = (alias: string) => `${alias}.nspname NOT LIKE 'pg\\_%' AND ${alias}.nspname <> ALL($2::text[])`;

const privilegesSql = `
WITH managed AS (SELECT oid, rolname FROM pg_roles WHERE rolname = ANY($1::text[]))
SELECT 'database' AS target, ${q('d.datname')} AS object, m.rolname AS grantee, a.privilege_type AS privilege
  FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a JOIN managed m ON m.oid = a.grantee
 WHERE d.datname = current_database()
UNION ALL
SELECT 'schema', ${q('n.nspname')}, m.rolname, a.privilege_type
  FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a JOIN managed m ON m.oid = a.grantee
 WHERE ${userSchema('n')}
UNION ALL
SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, ${q('n.nspname')} || '.' || ${q('c.relname')}, m.rolname, a.privilege_type
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN managed m ON m.oid = a.grantee
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${userSchema('n')}
UNION ALL
SELECT 'function', ${q('n.nspname')} || '.' || ${q('p.proname')} || '(' || pg_get_function_identity_arguments(p.oid) || ')', m.rolname, a.privilege_type
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN LATERAL aclexplode(p.proacl) a JOIN managed m ON m.oid = a.grantee
 WHERE p.prokind IN ('f', 'p') AND ${userSchema('n')}`;

const defaultsSql = `
WITH managed AS (SELECT oid, rolname FROM pg_roles WHERE rolname = ANY($1::text[]))
SELECT n.nspname AS schema, CASE d.defaclobjtype WHEN 'r' THEN 'table' WHEN 'S' THEN 'sequence' ELSE 'function' END AS target,
       m.rolname AS grantee, a.privilege_type AS privilege
  FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
       CROSS JOIN LATERAL aclexplode(d.defaclacl) a JOIN managed m ON m.oid = a.grantee
 WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND d.defaclobjtype IN ('r', 'S', 'f')
   AND ${userSchema('n')}`;

const objectsSql = `
SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS target, n.nspname AS schema, ${q('n.nspname')} || '.' || ${q('c.relname')} AS object
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND n.nspname = ANY($1::text[])
UNION ALL
SELECT 'function', n.nspname, ${q('n.nspname')} || '.' || ${q('p.proname')} || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prokind IN ('f', 'p') AND n.nspname = ANY($1::text[])
 ORDER BY 1, 3`;

// pg_has_role(…, 'MEMBER') follows every membership path, inherited or through SET ROLE.
const ownershipSql = `
SELECT r.rolname AS role, o.rolname AS owner, ${q('n.nspname')} || '.' || ${q('c.relname')} AS object
  FROM pg_roles r JOIN pg_class c ON pg_has_role(r.oid, c.relowner, 'MEMBER')
       JOIN pg_roles o ON o.oid = c.relowner JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE r.rolname = ANY($1::text[]) AND NOT r.rolsuper AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${userSchema('n')}
 ORDER BY 1, 3`;

const policiesSql = `
SELECT polname AS name, polcmd AS cmd, polpermissive AS permissive,
       ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END FROM unnest(polroles) r ORDER BY 1)::text[] AS roles,
       pg_get_expr(polqual, polrelid) AS using, pg_get_expr(polwithcheck, polrelid) AS with_check
  FROM pg_policy WHERE polrelid = $1 ORDER BY polname`;

const commands: Record<string, LivePolicy['command']> = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

/** Every role name the model manages: its group roles and their login members. */
export function managedRoleNames(model: SecurityModel): string[] {
  return [...new Set(model.roles.flatMap((role) => [role.name, ...role.members.map((m) => m.name)]))];
}

/**
 * Reads the live state the model is compared with: the managed roles and their memberships, every privilege they
 * hold in this database (managed schemas or not: a grant elsewhere is drift too), the applying user's default
 * privileges for them, the objects grants expand to, ownership paths of restricted roles, dbarch's event trigger,
 * the helper and the spec's RLS tables. Read-only; run it inside the transaction that applies.
 */
export async function readSecurityCatalogue(client: pg.ClientBase, model: SecurityModel): Promise<LiveCatalogue> {
  const names = managedRoleNames(model);
  const excluded = [...systemSchemas];
  const schemas = [...new Set(model.roles.flatMap((r) => r.schemas))];
  const restricted = [...new Set(model.roles.filter((r) => r.noDdl || r.noTruncate).flatMap((r) => [r.name, ...r.members.map((m) => m.name)]))];
  const head = await client.query<{ db: string; usr: string; version: string }>(`SELECT current_database() AS db, current_user AS usr, current_setting('server_version_num') AS version`);
  const roles = await client.query<{ rolname: string; rolcanlogin: boolean; rolsuper: boolean; rolbypassrls: boolean }>(
    'SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ANY($1::text[])', [names]);
  const memberships = await client.query<{ role: string; member: string }>(
    `SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
      WHERE r.rolname = ANY($1::text[]) OR m.rolname = ANY($1::text[]) ORDER BY 1, 2`, [names]);
  const privileges = await client.query(privilegesSql, [names, excluded]);
  const defaults = await client.query(defaultsSql, [names, excluded]);
  const objects = await client.query(objectsSql, [schemas]);
  const existingSchemas = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[])', [schemas]);
  const ownership = await client.query(ownershipSql, [restricted, excluded]);
  const triggerSource = async (name: string, event: string) => (await client.query<{ prosrc: string }>(
    `SELECT p.prosrc FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid WHERE e.evtname = $1 AND e.evtenabled <> 'D' AND e.evtevent = $2`, [name, event])).rows[0]?.prosrc ?? null;
  const noDdlSource = await triggerSource(noDdlTrigger, 'ddl_command_start');
  const ownerGuardSource = await triggerSource(ownerGuardTrigger, 'ddl_command_end');
  const helper = await client.query<{ source: string }>(
    `SELECT format_type(prorettype, NULL) || ':' || prosrc AS source FROM pg_proc WHERE oid = to_regprocedure('${helperFunction}()')`);
  const tables = new Map<string, LiveTable>();
  for (const rls of model.rowLevelSecurity) {
    const key = `${rls.schema}.${rls.table}`;
    const found = await client.query<{ oid: number; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT c.oid, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [rls.schema, rls.table]);
    const row = found.rows[0];
    if (row === undefined) continue;
    const policies = await client.query<{ name: string; cmd: string; permissive: boolean; roles: string[]; using: string | null; with_check: string | null }>(policiesSql, [row.oid]);
    tables.set(key, {
      rowSecurity: row.relrowsecurity,
      force: row.relforcerowsecurity,
      policies: policies.rows.map((p) => ({ name: p.name, command: commands[p.cmd] ?? 'ALL', roles: p.roles, permissive: p.permissive, using: p.using, withCheck: p.with_check })),
    });
  }
  return {
    database: head.rows[0]?.db ?? '',
    currentUser: head.rows[0]?.usr ?? '',
    serverVersion: Number(head.rows[0]?.version ?? 0),
    roles: new Map(roles.rows.map((r) => [r.rolname, { name: r.rolname, login: r.rolcanlogin, superuser: r.rolsuper, bypassRls: r.rolbypassrls }])),
    memberships: memberships.rows,
    privileges: privileges.rows,
    defaults: defaults.rows,
    objects: objects.rows,
    schemas: existingSchemas.rows.map((r) => r.nspname),
    ownershipPaths: ownership.rows,
    noDdlSource,
    ownerGuardSource,
    helperSource: helper.rows[0]?.source ?? null,
    tables,
  };
}
