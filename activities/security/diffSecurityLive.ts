import pg from 'pg';
import { inspectSecurity } from './inspectSecurity.ts';
import type { SecurityModel } from './SecurityModel.ts';
import type { SecurityReport } from './SecurityReport.ts';
import { toSecurityError } from './toSecurityError.ts';

/** The changes apply would make to the database at `url`, changing nothing (the probe runs in a rolled-back transaction). */
export async function diffSecurityLive(url: string, model: SecurityModel): Promise<SecurityReport> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('BEGIN');
    const changes = await inspectSecurity(client, model);
    return { database: new URL(url).pathname.slice(1), changes, drift: changes.filter((c) => c.drift).length, applied: false };
  } catch (error) {
    throw toSecurityError(error, 'reading the security catalogue');
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
