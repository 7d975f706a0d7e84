import pg from 'pg';
import { ownerGuardFunction, ownerGuardTrigger, securitySchema } from './securityObjects.ts';
import { dollarQuoted } from './dollarQuoted.ts';

/**
 * The ownership guard of no_truncate: at the end of each DDL command, a table, sequence or view that the command
 * created or changed may not be owned by a (non-superuser) member of a no_truncate role, since an owner may
 * TRUNCATE whatever its grants say. Catches `ALTER TABLE … OWNER TO` and tables created by such a member alike;
 * the command is rolled back with SQLSTATE 42501. Superuser owners are exempt (pg_has_role is true for them).
 */
export function ownerGuardFunctionBody(roles: readonly string[]): string {
  const list = roles.map((r) => pg.escapeLiteral(r)).join(', ');
  return `
BEGIN
  IF EXISTS (
    SELECT 1 FROM pg_event_trigger_ddl_commands() c
      JOIN pg_class r ON c.classid = 'pg_class'::regclass AND r.oid = c.objid
      JOIN pg_roles o ON o.oid = r.relowner AND NOT o.rolsuper
     WHERE EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = ANY (ARRAY[${list}]::text[]) AND pg_has_role(o.oid, g.oid, 'MEMBER'))) THEN
    RAISE EXCEPTION 'dbarch: % refused: it would make a member of a no_truncate role own a table', tg_tag
      USING ERRCODE = '42501', HINT = 'security_config restricts this role with no_truncate; owners may TRUNCATE, so tables belong to the migration owner';
  END IF;
END
`;
}

export function installOwnerGuardTriggerSql(roles: readonly string[]): string {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${securitySchema}`,
    `REVOKE ALL ON SCHEMA ${securitySchema} FROM PUBLIC`,
    `CREATE OR REPLACE FUNCTION ${ownerGuardFunction}() RETURNS event_trigger LANGUAGE plpgsql AS ${dollarQuoted(ownerGuardFunctionBody(roles))}`,
    `DROP EVENT TRIGGER IF EXISTS ${ownerGuardTrigger}`,
    `CREATE EVENT TRIGGER ${ownerGuardTrigger} ON ddl_command_end EXECUTE FUNCTION ${ownerGuardFunction}()`,
  ].join(';\n');
}

export function dropOwnerGuardTriggerSql(): string {
  return `DROP EVENT TRIGGER IF EXISTS ${ownerGuardTrigger};\nDROP FUNCTION IF EXISTS ${ownerGuardFunction}()`;
}
