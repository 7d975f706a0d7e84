import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the security capability: roles and grants as desired state, row-level security as code. */
export const securityCodes = defineCodes({
  DBA_SPEC_POLICY_SQL: {
    summary: 'A row-level security policy expression (`using` or `with_check`) is not one valid SQL expression.',
    hint: 'Write a boolean SQL expression such as `user_id = current_user_id()`, without a trailing semicolon or a second statement.',
    retryable: false,
  },
  DBA_SECURITY_POLICY_INVALID: {
    summary: 'PostgreSQL refused a row-level security policy of the spec when dbarch tried it on a scratch copy of the table (an unknown column, function or type); nothing was applied.',
    hint: 'Fix the policy expression so it names the table\'s own columns and existing functions; `dbarch security plan` tries it again without changing anything.',
    retryable: false,
  },
  DBA_SECURITY_TABLE_MISSING: {
    summary: 'A table of security_config.row_level_security does not exist in the database; nothing was applied.',
    hint: 'Create the table with a migration first (or correct the name; `schema.table` for a schema other than public).',
    retryable: false,
  },
  DBA_SECURITY_OWNERSHIP_PATH: {
    summary: 'A role restricted with no_truncate or no_ddl (or one of its members) owns objects in a managed schema, or belongs to a role that does: owners may TRUNCATE and ALTER whatever their grants say; nothing was applied.',
    hint: 'Give the objects to a migration owner role (`ALTER TABLE … OWNER TO …`) or take the membership away, then apply again.',
    retryable: false,
  },
  DBA_SECURITY_ROLE_CONFLICT: {
    summary: 'A role the spec manages exists in PostgreSQL as a superuser or a role that bypasses row-level security; dbarch does not demote such roles.',
    hint: 'Rename the spec\'s role, or take SUPERUSER / BYPASSRLS away by hand if the role really is the group role the spec describes.',
    retryable: false,
  },
  DBA_SECURITY_PRIVILEGE_UNSUPPORTED: {
    summary: 'A role of the spec grants a privilege that the target PostgreSQL version does not have (MAINTAIN needs PostgreSQL 17).',
    hint: 'Remove the privilege from the role\'s permissions, or upgrade the server.',
    retryable: false,
  },
  DBA_SECURITY_APPLY_FAILED: {
    summary: 'PostgreSQL refused a statement while applying roles, grants or policies; the transaction was rolled back and nothing changed.',
    hint: 'The message names the statement and its SQLSTATE; fix the cause (often a missing object or privilege of the applying user) and apply again.',
    retryable: false,
  },
});
