import { readdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { BaseBackupManifest } from '../baseBackup/BaseBackupManifest.ts';
import { listBaseBackups } from '../baseBackup/listBaseBackups.ts';
import type { ObjectStore } from '../store/ObjectStore.ts';
import { parseLsn } from '../wal/Lsn.ts';
import { defaultWalSegmentSize, parseWalFileName, segmentOfLsn } from '../wal/WalFileName.ts';
import { walPrefix } from '../wal/walObjectKey.ts';
import { chooseBaseBackup } from './chooseBaseBackup.ts';
import { findWalGap } from './findWalGap.ts';
import type { RecoveryTarget } from './RecoveryTarget.ts';
import type { RestorableBackup } from './RestorableBackup.ts';

export interface PointInTimeRestorePlan {
  readonly backup: BaseBackupManifest;
  readonly target: RecoveryTarget;
  /** WAL files in the archive from the backup on (what replay can use). */
  readonly walFiles: number;
  readonly lastArchived: string | undefined;
}

export interface RestorePlanRequest {
  readonly backups: ObjectStore;
  readonly wal: ObjectStore;
  readonly target: RecoveryTarget;
  readonly recoveryWindowMs?: number;
  readonly segmentSize?: number;
  readonly targetDir: string;
  readonly host: string;
  readonly port: number;
  /** Restoring over an existing (stopped) cluster: its directory may be non-empty. */
  readonly overExisting?: boolean;
  readonly now?: Date;
}

/** A manifest as what choosing a backup needs. */
export function restorableBackup(manifest: BaseBackupManifest): RestorableBackup {
  const lsn = (text: string) => {
    const value = parseLsn(text);
    if (value === undefined) throw new DbarchError('DBA_BACKUP_MANIFEST_INVALID', `backup ${manifest.backupId} has an unreadable LSN ${text}`);
    return value;
  };
  return { id: manifest.backupId, timeline: manifest.timeline, startLsn: lsn(manifest.startLsn), stopLsn: lsn(manifest.stopLsn), stopTime: new Date(manifest.finishedAt) };
}

/**
 * Everything a point-in-time restore checks before it touches anything: the destination is free (an empty or new
 * directory, a port nobody listens on), a complete backup fits the target (chooseBaseBackup's codes), and the WAL
 * archive holds every segment from that backup's consistent point on (DBA_WAL_SEGMENT_MISSING naming the first
 * gap; up to the target's segment for an LSN target, to the end of the archive otherwise).
 */
export async function planPointInTimeRestore(request: RestorePlanRequest): Promise<PointInTimeRestorePlan> {
  const entries = await readdir(request.targetDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0 && request.overExisting !== true) {
    throw new DbarchError('DBA_RESTORE_DESTINATION_IN_USE', `restore directory ${request.targetDir} is not empty`, { details: { targetDir: request.targetDir } });
  }
  if (await listening(request.host, request.port)) {
    throw new DbarchError('DBA_RESTORE_DESTINATION_IN_USE', `port ${request.port} on ${request.host} is taken`, { details: { host: request.host, port: request.port } });
  }
  const manifests = await listBaseBackups(request.backups);
  const chosen = chooseBaseBackup(request.target, manifests.map(restorableBackup), request.now ?? new Date(), request.recoveryWindowMs);
  const backup = manifests.find((manifest) => manifest.backupId === chosen.id)!;
  const segmentSize = request.segmentSize ?? defaultWalSegmentSize;
  // With the backup's own WAL in its tar, replay needs the archive only from its stop segment on.
  const from = segmentOfLsn(backup.walIncluded ? chosen.stopLsn : chosen.startLsn, segmentSize);
  const names = (await request.wal.list(walPrefix)).map((object) => object.key.slice(walPrefix.length));
  const through = request.target.kind === 'lsn' ? segmentOfLsn(request.target.lsn, segmentSize) : undefined;
  const gap = findWalGap(names, chosen.timeline, from, segmentSize, through);
  if (gap !== undefined) {
    throw new DbarchError('DBA_WAL_SEGMENT_MISSING', `WAL segment ${gap} is missing from the archive ${request.wal.destination}: backup ${backup.backupId} cannot replay past it`, {
      details: { segment: gap, backup: backup.backupId, destination: request.wal.destination },
    });
  }
  const usable = names.filter((name) => {
    const file = parseWalFileName(name, segmentSize);
    return file !== undefined && file.kind !== 'history' && file.kind !== 'backup' && file.timeline >= chosen.timeline && file.segment >= from;
  });
  return { backup, target: request.target, walFiles: usable.length, lastArchived: usable.at(-1) };
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
