/** Where dbarch keeps its own security functions (the no_ddl event trigger's function) in each database. */
export const securitySchema = 'dbarch_security';
export const noDdlTrigger = 'dbarch_no_ddl';
export const noDdlFunction = `${securitySchema}.refuse_ddl`;
/** The per-request setting behind `current_user_id()`; the data-plane client sets it with set_config(…, true). */
export const userIdSetting = 'dbarch.user_id';
/** `current_user_id()` lives in public so the seed's unqualified `user_id = current_user_id()` resolves. */
export const helperFunction = 'public.current_user_id';
/** Schemas never scanned for drift: PostgreSQL's own and dbarch's. */
export const systemSchemas = ['pg_catalog', 'information_schema', 'pg_toast', securitySchema] as const;
export const ownerGuardTrigger = 'dbarch_no_truncate_owner';
export const ownerGuardFunction = `${securitySchema}.refuse_restricted_owner`;
