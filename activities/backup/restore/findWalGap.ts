import { parseWalFileName, walSegmentName } from '../wal/WalFileName.ts';

/**
 * The first WAL segment missing from the archive between a backup's start segment and `through` (default: the
 * last segment archived on the backup's timeline), or undefined when the chain is complete. A `.partial` file
 * counts as its segment (a promoted standby's last one). Restores check this before touching anything, so a
 * gap is named up front instead of surfacing as recovery stopping short.
 */
export function findWalGap(archived: Iterable<string>, timeline: number, from: bigint, segmentSize: number, through?: bigint): string | undefined {
  const present = new Set<bigint>();
  let last = from - 1n;
  for (const name of archived) {
    const file = parseWalFileName(name, segmentSize);
    if (!file || file.kind === 'history' || file.kind === 'backup' || file.timeline !== timeline) continue;
    present.add(file.segment);
    if (file.segment > last) last = file.segment;
  }
  const end = through ?? last;
  // An empty range past the start: the backup's own first segment is still needed.
  for (let segment = from; segment <= (end < from ? from : end); segment++) {
    if (!present.has(segment)) return walSegmentName(timeline, segment, segmentSize);
  }
  return undefined;
}
