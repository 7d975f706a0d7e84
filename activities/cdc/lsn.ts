/**
 * PostgreSQL log sequence numbers (`16/B374D848`) as bigints and back, in PostgreSQL's own spelling (upper-case
 * hex, no padding): the parser pads, the replication stream does not, events and acknowledgements need one form.
 */
export const lsn = {
  parse(text: string): bigint {
    const [high, low] = text.split('/');
    if (high === undefined || low === undefined) throw new Error(`not an LSN: ${text}`);
    return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
  },
  format(value: bigint): string {
    return `${(value >> 32n).toString(16).toUpperCase()}/${(value & 0xffffffffn).toString(16).toUpperCase()}`;
  },
  normalize(text: string): string {
    return lsn.format(lsn.parse(text));
  },
};
