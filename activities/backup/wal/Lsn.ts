/**
 * A WAL position (PostgreSQL's pg_lsn, "X/Y" in hex) as a bigint, so positions compare and subtract exactly
 * past 2^53.
 */
export type Lsn = bigint;

const lsnPattern = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** Parses "16/B374D848"; undefined when the text is not an LSN. */
export function parseLsn(text: string): Lsn | undefined {
  const match = lsnPattern.exec(text.trim());
  if (!match) return undefined;
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** The "X/Y" form PostgreSQL prints and recovery_target_lsn takes. */
export function formatLsn(lsn: Lsn): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
