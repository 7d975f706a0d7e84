/** A PostgreSQL LSN (`16/B374D848`) as a number that compares; null for an unknown position. */
export function lsnValue(lsn: string | null | undefined): bigint | null {
  if (lsn === null || lsn === undefined) return null;
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match) return null;
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** Orders LSNs, an unknown one before every known one. */
export function compareLsn(a: string | null | undefined, b: string | null | undefined): number {
  const x = lsnValue(a);
  const y = lsnValue(b);
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}
