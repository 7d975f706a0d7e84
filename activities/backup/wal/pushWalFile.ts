import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Duplex } from 'node:stream';
import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import { compressStream } from '../compression/compressStream.ts';
import { encryptStream } from '../crypto/encryptStream.ts';
import { decodeWalObject, encodeWalObjectHeader, type WalObjectHeader } from './WalObjectHeader.ts';
import type { WalArchive } from './WalArchive.ts';
import { transformBuffer } from './transformBuffer.ts';
import { defaultWalSegmentSize, parseWalFileName } from './WalFileName.ts';
import { walObjectKey } from './walObjectKey.ts';

export interface WalPushResult {
  readonly name: string;
  readonly key: string;
  /** `already-archived`: the same bytes were there (PostgreSQL retried after a crash), nothing was written. */
  readonly outcome: 'archived' | 'already-archived';
  readonly size: number;
  readonly storedBytes: number;
}

/**
 * archive_command's work for one file (`path` is %p): read it, checksum, compress, encrypt, and put it under its
 * name only if the name is free. A second push of identical bytes is a no-op (exit 0, so PostgreSQL moves on); a
 * different file under a taken name is DBA_WAL_SEGMENT_CONFLICT and the archived copy stays as it was.
 */
export async function pushWalFile(archive: WalArchive, path: string): Promise<WalPushResult> {
  const name = basename(path);
  const segmentSize = archive.config.segmentSize ?? defaultWalSegmentSize;
  const file = parseWalFileName(name, segmentSize);
  if (!file) throw new DbarchError('DBA_WAL_SEGMENT_INVALID', `${name} is not a WAL file name`, { details: { path } });
  const content = await readFile(path).catch((cause: unknown) => {
    throw new DbarchError('DBA_WAL_SEGMENT_INVALID', `cannot read ${path}: ${(cause as Error).message}`, { cause, details: { path } });
  });
  if (file.kind === 'segment' && content.length !== segmentSize) {
    throw new DbarchError('DBA_WAL_SEGMENT_INVALID', `${name} has ${content.length} bytes, a WAL segment ${segmentSize}`, { details: { path, size: content.length } });
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  const key = walObjectKey(name);

  const stages: Duplex[] = [compressStream({ algorithm: archive.config.compression, ...(archive.config.level === undefined ? {} : { level: archive.config.level }) })];
  let wrappedKey: WalObjectHeader['wrappedKey'];
  if (archive.keys) {
    const dataKey = randomBytes(32);
    wrappedKey = await archive.keys.wrapKey(dataKey);
    stages.push(encryptStream(dataKey, { context: key }));
  }
  const payload = await transformBuffer(content, stages);
  const header: WalObjectHeader = { format: 1, name, size: content.length, sha256, compression: archive.config.compression, ...(wrappedKey ? { wrappedKey } : {}) };
  const body = Buffer.concat([encodeWalObjectHeader(header), payload]);
  try {
    await archive.store.put(key, body, { ifAbsent: true });
    return { name, key, outcome: 'archived', size: content.length, storedBytes: body.length };
  } catch (error) {
    if (!isDbarchError(error) || error.code !== 'DBA_BACKUP_OBJECT_EXISTS') throw error;
  }
  // The name is taken: the same file pushed again is fine, anything else is refused.
  const existing = decodeWalObject(await archive.store.getBytes(key), name).header;
  if (existing.sha256 === sha256 && existing.size === content.length) {
    return { name, key, outcome: 'already-archived', size: content.length, storedBytes: 0 };
  }
  throw new DbarchError('DBA_WAL_SEGMENT_CONFLICT', `${name} is already archived in ${archive.store.destination} with other content (sha256 ${existing.sha256.slice(0, 12)}…, this file ${sha256.slice(0, 12)}…)`, {
    details: { segment: name, destination: archive.store.destination, archivedSha256: existing.sha256, localSha256: sha256 },
  });
}
