/** PostgreSQL privileges a role may be granted (GRANT … ON …), plus ALL; see the GRANT reference page. */
export const postgresPrivileges = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
  'CREATE',
  'CONNECT',
  'TEMPORARY',
  'TEMP',
  'EXECUTE',
  'USAGE',
  'MAINTAIN',
  'ALL',
  'ALL PRIVILEGES',
] as const;

/**
 * Restrictions dbarch enforces on a role beyond its grants (event triggers and revoked defaults), each with the
 * privileges it contradicts: granting TRUNCATE and restricting `no_truncate` is a mistake either way.
 */
export const roleRestrictions = {
  no_ddl: { description: 'No CREATE/ALTER/DROP statements (enforced by an event trigger).', contradicts: ['CREATE'] },
  no_truncate: { description: 'No TRUNCATE.', contradicts: ['TRUNCATE'] },
  no_delete: { description: 'No DELETE.', contradicts: ['DELETE'] },
  no_update: { description: 'No UPDATE.', contradicts: ['UPDATE'] },
  no_temp: { description: 'No temporary tables.', contradicts: ['TEMPORARY', 'TEMP'] },
  no_export: { description: 'No COPY … TO and no large result exports (statement-level audit).', contradicts: [] },
  read_only: { description: 'Sessions default to read-only transactions.', contradicts: ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] },
  no_login: { description: 'The role cannot log in (a group role).', contradicts: ['CONNECT'] },
} as const satisfies Record<string, { description: string; contradicts: readonly string[] }>;
