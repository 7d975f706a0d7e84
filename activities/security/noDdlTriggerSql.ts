import pg from 'pg';
import { noDdlFunction, noDdlTrigger, securitySchema } from './securityObjects.ts';
import { dollarQuoted } from './dollarQuoted.ts';

/**
 * The body of the no_ddl event trigger's function: DDL (CREATE, ALTER, DROP, GRANT …, temporary tables included)
 * is refused with SQLSTATE 42501 when the current user is a member of a no_ddl role. Superusers are exempt on
 * purpose: pg_has_role() is true for them on every role, and migrations run as one. The role list is part of the
 * body, so a changed list shows as a changed function in the diff.
 */
export function noDdlFunctionBody(roles: readonly string[]): string {
  const list = roles.map((r) => pg.escapeLiteral(r)).join(', ');
  return `
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles u WHERE u.rolname = current_user AND NOT u.rolsuper)
     AND EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = ANY (ARRAY[${list}]::text[]) AND pg_has_role(current_user, g.oid, 'MEMBER')) THEN
    RAISE EXCEPTION 'dbarch: % refused: % is a member of a no_ddl role', tg_tag, current_user
      USING ERRCODE = '42501', HINT = 'security_config restricts this role with no_ddl; run schema changes as a migration';
  END IF;
END
`;
}

/** Statements that install (or replace) the function and the trigger; idempotent. */
export function installNoDdlTriggerSql(roles: readonly string[]): string {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${securitySchema}`,
    `REVOKE ALL ON SCHEMA ${securitySchema} FROM PUBLIC`,
    `CREATE OR REPLACE FUNCTION ${noDdlFunction}() RETURNS event_trigger LANGUAGE plpgsql AS ${dollarQuoted(noDdlFunctionBody(roles))}`,
    `DROP EVENT TRIGGER IF EXISTS ${noDdlTrigger}`,
    `CREATE EVENT TRIGGER ${noDdlTrigger} ON ddl_command_start EXECUTE FUNCTION ${noDdlFunction}()`,
  ].join(';\n');
}

export function dropNoDdlTriggerSql(): string {
  return `DROP EVENT TRIGGER IF EXISTS ${noDdlTrigger};\nDROP FUNCTION IF EXISTS ${noDdlFunction}()`;
}
