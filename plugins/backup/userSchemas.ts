import pg from 'pg';

/** Every schema a user made (not pg_*, information_schema): what "the affected schemas" are by default. */
export async function userSchemas(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'dbarch:step' });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
    );
    return rows.map((row) => row.nspname);
  } finally {
    await client.end();
  }
}
