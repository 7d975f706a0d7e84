import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serviceUrls } from '../../runtime/serviceUrls.ts';

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, ending any session still connected to it. */
  drop(): Promise<void>;
}

/** Creates a database of its own for one test file; call `drop()` in `after`. */
export async function freshDatabase(label: string): Promise<TestDatabase> {
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30);
  const name = `dbarch_t_${safeLabel}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serviceUrls().postgres });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serviceUrls().postgres, name);
  return {
    url,
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serviceUrls().postgres });
      await client.connect();
      try {
        // A pool's end() resolves before its idle clients' sockets have closed: forcing such a session out makes
        // the server send it 57P01, which that client (no longer listened to) raises as an uncaught error. So
        // sessions get a moment to finish closing (55006 object_in_use while they do); only then are they forced.
        for (let attempt = 0; attempt < 30; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name}`);
            return;
          } catch (error) {
            if ((error as { code?: string }).code !== '55006') throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs one query on a database and closes the connection. */
export async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
