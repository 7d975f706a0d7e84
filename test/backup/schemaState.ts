import pg from 'pg';

export interface SchemaState {
  /** Canonical catalogue lines: schemas, relations, columns (in order), constraints, indexes, views, sequences. */
  readonly catalog: readonly string[];
  /** Per table: row count and an md5 of its rows in primary-key order. */
  readonly data: Readonly<Record<string, string>>;
}

/** What a restore must bring back: structure and data of the schemas, compared as plain values. */
export async function schemaState(url: string, schemas: readonly string[]): Promise<SchemaState> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ line: string }>(
      `SELECT line FROM (
         SELECT format('rel %I.%I %s', n.nspname, c.relname, c.relkind) AS line
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) AND c.relkind IN ('r','v','m','S','i','p')
         UNION ALL
         SELECT format('col %I.%I %s %I %s notnull=%s default=%s', n.nspname, c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                       a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), ''))
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE n.nspname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','v','p')
         UNION ALL
         SELECT format('con %I.%I %s', n.nspname, con.conname, pg_get_constraintdef(con.oid))
           FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname = ANY($1)
         UNION ALL
         SELECT format('idx %s', pg_get_indexdef(i.indexrelid))
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1)
         UNION ALL
         SELECT format('view %I.%I %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1) AND c.relkind = 'v'
         UNION ALL
         SELECT format('schema %I', nspname) FROM pg_namespace WHERE nspname = ANY($1)
       ) lines ORDER BY line`,
      [schemas],
    );
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = ANY($1) ORDER BY 1`,
      [schemas],
    );
    const data: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const result = await client.query<{ summary: string }>(
        `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS summary FROM ${name} t`,
      );
      data[name] = result.rows[0]?.summary ?? '';
    }
    const sequences = await client.query<{ name: string; value: string }>(
      `SELECT format('%I.%I', schemaname, sequencename) AS name, coalesce(last_value, 0)::text AS value FROM pg_sequences WHERE schemaname = ANY($1)`,
      [schemas],
    );
    for (const { name, value } of sequences.rows) data[name] = `sequence:${value}`;
    return { catalog: rows.map((row) => row.line), data };
  } finally {
    await client.end();
  }
}
