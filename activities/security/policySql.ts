import pg from 'pg';
import type { DesiredPolicy } from './SecurityModel.ts';

const role = (name: string) => (name === 'public' ? 'PUBLIC' : pg.escapeIdentifier(name));

/** CREATE POLICY for a spec policy on a table (SQL text of the table, e.g. `"public"."users"`). */
export function createPolicySql(table: string, policy: DesiredPolicy): string {
  return [
    `CREATE POLICY ${pg.escapeIdentifier(policy.name)} ON ${table}`,
    `AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'}`,
    `FOR ${policy.command}`,
    `TO ${policy.roles.map(role).join(', ')}`,
    ...(policy.using === undefined ? [] : [`USING (\n${policy.using}\n)`]),
    ...(policy.withCheck === undefined ? [] : [`WITH CHECK (\n${policy.withCheck}\n)`]),
  ].join(' ');
}

export function dropPolicySql(table: string, name: string): string {
  return `DROP POLICY IF EXISTS ${pg.escapeIdentifier(name)} ON ${table}`;
}
