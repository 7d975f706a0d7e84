import pg from 'pg';

const names = new Map<number, string>(Object.entries(pg.types.builtins).map(([name, oid]) => [oid, name.toLowerCase()]));

/** The PostgreSQL type name of a result column's oid (`int8`, `timestamptz`), or `oid:<n>` for user types. */
export function typeName(oid: number): string {
  return names.get(oid) ?? `oid:${oid}`;
}
