import pg from 'pg';

const { builtins } = pg.types;
const asText = (value: string): string => value;
const byteaParser = pg.types.getTypeParser(builtins.BYTEA) as (value: string) => Buffer;

/** Parsers that differ from pg's, by type oid. */
const parsers = new Map<number, (value: string) => unknown>([
  [builtins.DATE, asText],
  [builtins.INTERVAL, asText],
  [builtins.TIME, asText],
  [builtins.TIMETZ, asText],
  [builtins.TIMESTAMP, (value) => value.replace(' ', 'T')],
  [builtins.TIMESTAMPTZ, (value) => {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date.toISOString(); // infinity stays as written
  }],
  [builtins.BYTEA, (value) => byteaParser(value).toString('base64')],
]);

/**
 * Result parsers that keep values exact in JSON: bigint and numeric stay strings (pg's default already), dates
 * and timestamps without a zone stay as written (no shift through the gateway's time zone), timestamptz becomes
 * ISO 8601 in UTC (millisecond precision), bytea base64, intervals PostgreSQL's own text. Else pg's default.
 */
export const jsonTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => parsers.get(oid) ?? (pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
};
