import type pg from 'pg';

export interface SchemaComparison {
  /** Reasons green cannot take blue's rows. Empty when compatible. */
  readonly issues: readonly string[];
  /** Columns only green has, which the migration added and replication leaves NULL (or default): `schema.table.column`. */
  readonly addedColumns: readonly string[];
}

interface ColumnRow {
  readonly table: string;
  readonly column: string;
  readonly type: string;
  readonly notnull: boolean;
  readonly filled: boolean;
}

async function columns(client: pg.ClientBase, tables: readonly string[]): Promise<ColumnRow[]> {
  const { rows } = await client.query<ColumnRow>(
    `SELECT n.nspname || '.' || c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull, (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS filled
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname || '.' || c.relname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, a.attnum`,
    [tables],
  );
  return rows;
}

/**
 * Whether green can take every row blue publishes: each blue column exists on green with the same type, and
 * a column only green has is nullable or filled by a default (replication sends blue's columns only).
 */
export async function compareSchemas(blue: pg.ClientBase, green: pg.ClientBase, tables: readonly string[]): Promise<SchemaComparison> {
  const [blueColumns, greenColumns] = await Promise.all([columns(blue, tables), columns(green, tables)]);
  const key = (row: ColumnRow) => `${row.table}.${row.column}`;
  const onGreen = new Map(greenColumns.map((row) => [key(row), row]));
  const onBlue = new Map(blueColumns.map((row) => [key(row), row]));
  const issues: string[] = [];
  const addedColumns: string[] = [];
  for (const table of tables) {
    if (!greenColumns.some((row) => row.table === table)) issues.push(`${table}: missing on green`);
  }
  for (const row of blueColumns) {
    const match = onGreen.get(key(row));
    if (!match) {
      if (greenColumns.some((other) => other.table === row.table)) issues.push(`${key(row)}: missing on green`);
    } else if (match.type !== row.type) {
      issues.push(`${key(row)}: ${row.type} on blue, ${match.type} on green`);
    }
  }
  for (const row of greenColumns) {
    if (onBlue.has(key(row))) continue;
    if (row.notnull && !row.filled) issues.push(`${key(row)}: only on green, NOT NULL without a default`);
    else addedColumns.push(key(row));
  }
  return { issues, addedColumns };
}
