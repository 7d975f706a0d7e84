import type { BaseBackupManifest } from '../baseBackup/BaseBackupManifest.ts';
import { listBaseBackups } from '../baseBackup/listBaseBackups.ts';
import { findWalGap } from '../restore/findWalGap.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import { parseLsn } from '../wal/Lsn.ts';
import { defaultWalSegmentSize, parseWalFileName, walSegmentName, segmentOfLsn } from '../wal/WalFileName.ts';
import { walPrefix } from '../wal/walObjectKey.ts';

export interface BackupInventoryEntry {
  readonly backupId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly timeline: number;
  readonly startLsn: string;
  readonly stopLsn: string;
  /** Bytes of files backed up, and bytes stored (compressed, encrypted). */
  readonly bytes: number;
  readonly storedBytes: number;
  readonly encrypted: boolean;
  /** The WAL this backup replays: from its first segment through the last one archived without a gap. */
  readonly walFrom: string;
  readonly walThrough: string | null;
  /** The first segment missing after walFrom, if the archive has a gap before its end. */
  readonly walGap: string | null;
  /** inside: consistent within the recovery window; base: the one a restore to the window's start replays from; outside. */
  readonly window: 'inside' | 'base' | 'outside';
}

export interface BackupInventory {
  readonly backups: readonly BackupInventoryEntry[];
  readonly wal: { readonly files: number; readonly bytes: number; readonly oldest: string | null; readonly newest: string | null };
  readonly windowStart: string | null;
}

/** What `dbarch backup list` shows: every complete backup with its size, its WAL range and its place in the recovery window. */
export async function backupInventory(backups: ObjectStore, wal: ObjectStore, options: { recoveryWindowMs?: number; segmentSize?: number; now?: Date } = {}): Promise<BackupInventory> {
  const segmentSize = options.segmentSize ?? defaultWalSegmentSize;
  const now = options.now ?? new Date();
  const [manifests, walObjects] = await Promise.all([listBaseBackups(backups), wal.list(walPrefix)]);
  const names = walObjects.map((object) => object.key.slice(walPrefix.length));
  const windowStart = options.recoveryWindowMs === undefined ? undefined : new Date(now.getTime() - options.recoveryWindowMs);
  const byStop = [...manifests].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  const base = windowStart === undefined ? undefined : (byStop.filter((m) => new Date(m.finishedAt) <= windowStart).at(-1) ?? byStop[0]);
  const segments = names.filter((name) => parseWalFileName(name, segmentSize)?.kind === 'segment').sort();
  return {
    backups: manifests.map((manifest) => entry(manifest, names, segmentSize, windowStart, base)),
    wal: { files: walObjects.length, bytes: walObjects.reduce((sum, object) => sum + object.size, 0), oldest: segments[0] ?? null, newest: segments.at(-1) ?? null },
    windowStart: windowStart?.toISOString() ?? null,
  };
}

function entry(manifest: BaseBackupManifest, names: readonly string[], segmentSize: number, windowStart: Date | undefined, base: BaseBackupManifest | undefined): BackupInventoryEntry {
  const from = segmentOfLsn(parseLsn(manifest.startLsn) ?? 0n, segmentSize);
  const gap = findWalGap(names, manifest.timeline, from, segmentSize);
  let last: bigint | undefined;
  for (const name of names) {
    const file = parseWalFileName(name, segmentSize);
    if (file?.kind === 'segment' && file.timeline === manifest.timeline && file.segment >= from && (last === undefined || file.segment > last)) last = file.segment;
  }
  // findWalGap looks up to the last archived segment: with one archived, a gap it finds lies before the end.
  const gapFile = gap === undefined ? undefined : parseWalFileName(gap, segmentSize);
  const gapSegment = last !== undefined && gapFile?.kind === 'segment' ? gapFile.segment : undefined;
  const throughSegment = gapSegment === undefined ? last : gapSegment > from ? gapSegment - 1n : undefined;
  const window = windowStart === undefined || new Date(manifest.finishedAt) >= windowStart ? 'inside' : manifest.backupId === base?.backupId ? 'base' : 'outside';
  return {
    backupId: manifest.backupId,
    startedAt: manifest.startedAt,
    finishedAt: manifest.finishedAt,
    timeline: manifest.timeline,
    startLsn: manifest.startLsn,
    stopLsn: manifest.stopLsn,
    bytes: manifest.totals.bytes,
    storedBytes: manifest.totals.storedBytes,
    encrypted: manifest.encryption !== null,
    walFrom: walSegmentName(manifest.timeline, from, segmentSize),
    walThrough: throughSegment === undefined ? null : walSegmentName(manifest.timeline, throughSegment, segmentSize),
    walGap: gapSegment === undefined ? null : gap!,
    window,
  };
}
