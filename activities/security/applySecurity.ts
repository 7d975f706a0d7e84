import pg from 'pg';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../errors/DbarchError.ts';
import { scramVerifier } from '../../gateway/connections/scramVerifier.ts';
import { inspectSecurity } from './inspectSecurity.ts';
import type { SecurityChange } from './SecurityChange.ts';
import type { SecurityModel } from './SecurityModel.ts';
import type { SecurityReport } from './SecurityReport.ts';
import { toSecurityError } from './toSecurityError.ts';

/** One applier at a time per cluster (roles are cluster-wide); a second waits for the first and then finds less to do. */
const applyLock = 0x64627365; // 'dbse'

function statementOf(change: SecurityChange, env: NodeJS.ProcessEnv): string {
  if (change.passwordReference === undefined) return change.sql;
  const resolved = resolveEnvReferences(change.passwordReference, env);
  if (!resolved.ok) throw new DbarchError('DBA_STEP_CONNECTION', `password ${change.passwordReference}: ${resolved.message}`, resolved.hint ? { hint: resolved.hint } : {});
  // A SCRAM verifier, never the password: the statement text reaches the server log, pgaudit's ROLE class (shipped
  // to S3 and HEC by the audit collector) and pg_stat_statements.
  return change.sql.replace('<secret>', pg.escapeLiteral(scramVerifier(resolved.value)));
}

/**
 * Brings the database at `url` (and the cluster's roles) to the model in one transaction: the diff is made again
 * under an advisory lock, inside the transaction that applies it, so a retry after a crash, or a second run,
 * applies only what is still missing, and a refused statement rolls everything back (DBA_SECURITY_APPLY_FAILED).
 * The report's SQL never holds a password.
 */
export async function applySecurity(url: string, model: SecurityModel, env: NodeJS.ProcessEnv = process.env): Promise<SecurityReport> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  let current: string | undefined;
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    await client.query('SELECT pg_advisory_xact_lock($1)', [applyLock]);
    const changes = await inspectSecurity(client, model);
    for (const change of changes) {
      current = change.sql;
      await client.query(statementOf(change, env));
    }
    current = undefined;
    await client.query('COMMIT');
    return { database: new URL(url).pathname.slice(1), changes, drift: changes.filter((c) => c.drift).length, applied: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw toSecurityError(error, 'applying security_config', current);
  } finally {
    await client.end().catch(() => undefined);
  }
}
