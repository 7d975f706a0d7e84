import { helperFunction, userIdSetting } from './securityObjects.ts';
import type { SecurityModel } from './SecurityModel.ts';

/** What the live catalogue reports for the helper (`<return type>:<source>`), to compare with the desired one. */
export function currentUserIdSource(type: SecurityModel['userIdType']): string {
  return `${type}:${currentUserIdBody(type)}`;
}

function currentUserIdBody(type: SecurityModel['userIdType']): string {
  // missing_ok: NULL outside a request (no row matches), never an error; '' (a reset setting) is NULL too.
  return ` SELECT nullif(current_setting('${userIdSetting}', true), '')::${type} `;
}

/**
 * `current_user_id()`: the user id the data-plane client put in the transaction's `dbarch.user_id` setting.
 * STABLE so the planner evaluates it once per statement. A changed return type needs DROP first, which PostgreSQL refuses while policies use it (the apply then fails, nothing changed).
 */
export function installCurrentUserIdSql(type: SecurityModel['userIdType'], replaceType: boolean): string {
  const create = `CREATE OR REPLACE FUNCTION ${helperFunction}() RETURNS ${type} LANGUAGE sql STABLE PARALLEL SAFE AS $dbarch$${currentUserIdBody(type)}$dbarch$`;
  return replaceType ? `DROP FUNCTION IF EXISTS ${helperFunction}();\n${create}` : create;
}
