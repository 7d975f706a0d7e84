import pg from 'pg';

/** Exact row counts of `schema.table` tables, in the client's current snapshot. */
export async function countRows(client: pg.ClientBase, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const dot = table.indexOf('.');
    const name = `${pg.escapeIdentifier(table.slice(0, dot))}.${pg.escapeIdentifier(table.slice(dot + 1))}`;
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${name}`);
    counts[table] = Number(rows[0]?.count ?? 0);
  }
  return counts;
}
