import type { Lsn } from './Lsn.ts';

/** PostgreSQL's default WAL segment size (initdb --wal-segsize changes it; pg_settings wal_segment_size tells). */
export const defaultWalSegmentSize = 16 * 1024 * 1024;

/**
 * The files archive_command hands over, by their name: a segment (TTTTTTTTXXXXXXXXYYYYYYYY), the `.partial`
 * segment a promoted standby archives, a timeline history file (TTTTTTTT.history), or a backup label
 * (segment.XXXXXXXX.backup). Segments are numbered by `segment` (log × segments-per-log + seg), per timeline.
 */
export type WalFileName =
  | { readonly kind: 'segment'; readonly name: string; readonly timeline: number; readonly segment: bigint }
  | { readonly kind: 'partial'; readonly name: string; readonly timeline: number; readonly segment: bigint }
  | { readonly kind: 'backup'; readonly name: string; readonly timeline: number; readonly segment: bigint }
  | { readonly kind: 'history'; readonly name: string; readonly timeline: number };

const segmentPattern = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\.partial|\.[0-9A-F]{8}\.backup)?$/;
const historyPattern = /^([0-9A-F]{8})\.history$/;

/** Segments per "log" (the middle 8 hex digits): 2^32 bytes of WAL / segment size. */
function segmentsPerLog(segmentSize: number): bigint {
  return 0x1_0000_0000n / BigInt(segmentSize);
}

/** Reads a WAL file name; undefined for anything else (so wal-push refuses what it does not know). */
export function parseWalFileName(name: string, segmentSize = defaultWalSegmentSize): WalFileName | undefined {
  const history = historyPattern.exec(name);
  if (history) return { kind: 'history', name, timeline: Number.parseInt(history[1]!, 16) };
  const match = segmentPattern.exec(name);
  if (!match) return undefined;
  const log = BigInt(`0x${match[2]}`);
  const seg = BigInt(`0x${match[3]}`);
  if (seg >= segmentsPerLog(segmentSize)) return undefined;
  const timeline = Number.parseInt(match[1]!, 16);
  const segment = log * segmentsPerLog(segmentSize) + seg;
  const kind = match[4] === undefined ? 'segment' : match[4] === '.partial' ? 'partial' : 'backup';
  return { kind, name, timeline, segment };
}

/** The segment file name of `segment` on `timeline` (what pg_walfile_name gives). */
export function walSegmentName(timeline: number, segment: bigint, segmentSize = defaultWalSegmentSize): string {
  const perLog = segmentsPerLog(segmentSize);
  const hex = (value: bigint | number) => value.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(segment / perLog)}${hex(segment % perLog)}`;
}

/** The segment holding `lsn`. */
export function segmentOfLsn(lsn: Lsn, segmentSize = defaultWalSegmentSize): bigint {
  return lsn / BigInt(segmentSize);
}
