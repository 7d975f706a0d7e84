/**
 * A PostgreSQL WAL position (`pg_lsn`, written `16/B374D848`) as a bigint, so positions compare and subtract
 * exactly (they exceed 2^53 on long-lived clusters).
 */
export type Lsn = bigint;

const lsnPattern = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** The position, or undefined for text that is not an LSN. */
export function parseLsn(text: string): Lsn | undefined {
  const m = lsnPattern.exec(text);
  if (m === null) return undefined;
  return (BigInt(`0x${m[1]!}`) << 32n) | BigInt(`0x${m[2]!}`);
}

export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffff_ffffn).toString(16).toUpperCase()}`;
}
