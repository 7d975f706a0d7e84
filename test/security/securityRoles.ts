import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

/** Roles are cluster-wide: a prefix of its own per test file, and every role with it dropped afterwards. */
export function rolePrefix(): string {
  return `t${randomBytes(3).toString('hex')}_`;
}

export async function dropRoles(prefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serviceUrls().postgres });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)', [prefix]);
    for (const { rolname } of rows) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(rolname)}`);
  } finally {
    await admin.end();
  }
}

/** The database URL as another (login) role; the local server trusts the loopback. */
export function asRole(url: string, role: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = '';
  return parsed.toString();
}

/** The SQLSTATE a statement fails with as that connection, or 'ok'. */
export async function outcome(client: pg.ClientBase, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}
