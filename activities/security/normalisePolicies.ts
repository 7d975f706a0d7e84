import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';
import { installCurrentUserIdSql } from './currentUserIdSql.ts';
import { createPolicySql } from './policySql.ts';
import type { SecurityModel } from './SecurityModel.ts';

/** A spec policy's expressions as PostgreSQL prints them back (pg_get_expr), keyed `schema.table/policy`. */
export type NormalisedPolicies = ReadonlyMap<string, { readonly using: string | null; readonly withCheck: string | null }>;

/**
 * Has PostgreSQL compile every spec policy on a scratch copy of its table (CREATE TEMP TABLE … (LIKE …)), inside a
 * savepoint that is rolled back, and reads the expressions back with pg_get_expr. That gives the text to compare
 * with the live policies (PostgreSQL adds casts and parentheses), and proves each policy against the real columns,
 * functions and roles before anything is applied: a missing table is DBA_SECURITY_TABLE_MISSING, a refused policy
 * DBA_SECURITY_POLICY_INVALID (all of them reported at once). Must run inside a transaction.
 */
export async function normalisePolicies(client: pg.ClientBase, model: SecurityModel, missingRoles: readonly string[]): Promise<NormalisedPolicies> {
  const out = new Map<string, { using: string | null; withCheck: string | null }>();
  if (model.rowLevelSecurity.length === 0) return out;
  const problems: string[] = [];
  let missingTable: string | undefined;
  await client.query('SAVEPOINT dbarch_policy_probe');
  try {
    // The roles and the helper the policies name may not exist yet: made here, rolled back below.
    for (const name of missingRoles) await client.query(`CREATE ROLE ${pg.escapeIdentifier(name)} NOLOGIN`);
    await client.query('SAVEPOINT dbarch_policy_helper');
    try {
      await client.query(installCurrentUserIdSql(model.userIdType, true));
      await client.query('RELEASE SAVEPOINT dbarch_policy_helper');
    } catch {
      // Policies use the helper of another type; the probe compiles against that one.
      await client.query('ROLLBACK TO SAVEPOINT dbarch_policy_helper');
    }
    let index = 0;
    for (const rls of model.rowLevelSecurity) {
      const probe = `pg_temp.dbarch_policy_probe_${index++}`;
      const source = `${pg.escapeIdentifier(rls.schema)}.${pg.escapeIdentifier(rls.table)}`;
      await client.query('SAVEPOINT dbarch_policy_table');
      try {
        await client.query(`CREATE TEMP TABLE ${probe.slice('pg_temp.'.length)} (LIKE ${source})`);
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT dbarch_policy_table');
        if (classifyPgError(error).category !== 'undefined_object') throw error;
        missingTable ??= `${rls.schema}.${rls.table}`;
        continue;
      }
      for (const policy of rls.policies) {
        await client.query('SAVEPOINT dbarch_policy_one');
        try {
          await client.query(createPolicySql(probe, policy));
          const read = await client.query<{ using: string | null; with_check: string | null }>(
            `SELECT pg_get_expr(polqual, polrelid) AS using, pg_get_expr(polwithcheck, polrelid) AS with_check FROM pg_policy WHERE polrelid = $1::regclass AND polname = $2`,
            [probe, policy.name]);
          const row = read.rows[0];
          out.set(`${rls.schema}.${rls.table}/${policy.name}`, { using: row?.using ?? null, withCheck: row?.with_check ?? null });
          await client.query('RELEASE SAVEPOINT dbarch_policy_one');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT dbarch_policy_one');
          const sqlstate = classifyPgError(error).sqlstate ?? 'unknown';
          problems.push(`${rls.schema}.${rls.table} policy ${policy.name}: ${error instanceof Error ? error.message : String(error)} (SQLSTATE ${sqlstate})`);
        }
      }
      await client.query('RELEASE SAVEPOINT dbarch_policy_table');
    }
  } finally {
    await client.query('ROLLBACK TO SAVEPOINT dbarch_policy_probe');
    await client.query('RELEASE SAVEPOINT dbarch_policy_probe');
  }
  if (missingTable !== undefined) throw new DbarchError('DBA_SECURITY_TABLE_MISSING', `row_level_security names ${missingTable}, which does not exist in this database`, { details: { table: missingTable } });
  if (problems.length > 0) throw new DbarchError('DBA_SECURITY_POLICY_INVALID', `PostgreSQL refused ${problems.length} polic${problems.length === 1 ? 'y' : 'ies'}: ${problems.join('; ')}`, { details: { problems } });
  return out;
}
