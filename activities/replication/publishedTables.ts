import type pg from 'pg';

/** The tables a publication on blue publishes, as `schema.table`, sorted. */
export async function publishedTables(blue: pg.ClientBase, publication: string): Promise<string[]> {
  const { rows } = await blue.query<{ name: string }>(
    `SELECT schemaname || '.' || tablename AS name FROM pg_publication_tables WHERE pubname = $1 ORDER BY 1`,
    [publication],
  );
  return rows.map((row) => row.name);
}
