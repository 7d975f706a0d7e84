import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { DbarchError, isDbarchError } from '../../../errors/DbarchError.ts';
import { decompressStream } from '../compression/decompressStream.ts';
import { decryptStream } from '../crypto/decryptStream.ts';
import { decodeWalObject } from './WalObjectHeader.ts';
import type { WalArchive } from './WalArchive.ts';
import { transformBuffer } from './transformBuffer.ts';
import { parseWalFileName } from './WalFileName.ts';
import { walObjectKey } from './walObjectKey.ts';

export interface WalFetchResult {
  readonly name: string;
  readonly size: number;
}

/**
 * restore_command's work for one file (`name` is %f, `path` is %p): fetch, authenticate every chunk, decompress,
 * check size and SHA-256, and only then write it (to a temporary name renamed into place, so PostgreSQL never
 * reads a partial file). Not archived: DBA_WAL_SEGMENT_MISSING (PostgreSQL asks for files past the end of the
 * archive, so this is the normal end of replay too). Failing a check: DBA_WAL_SEGMENT_CORRUPT.
 */
export async function fetchWalFile(archive: WalArchive, name: string, path: string): Promise<WalFetchResult> {
  if (!parseWalFileName(name, archive.config.segmentSize)) throw new DbarchError('DBA_WAL_SEGMENT_INVALID', `${name} is not a WAL file name`);
  const key = walObjectKey(name);
  let object: Buffer;
  try {
    object = await archive.store.getBytes(key);
  } catch (error) {
    if (isDbarchError(error) && error.code === 'DBA_BACKUP_OBJECT_MISSING') {
      throw new DbarchError('DBA_WAL_SEGMENT_MISSING', `${name} is not in the WAL archive ${archive.store.destination}`, { details: { segment: name, destination: archive.store.destination } });
    }
    throw error;
  }
  const { header, payload } = decodeWalObject(object, name);
  const stages: Duplex[] = [];
  if (header.wrappedKey) {
    if (!archive.keys) throw new DbarchError('DBA_BACKUP_KEY_MISSING', `${name} is encrypted (master key ${header.wrappedKey.keyId}) and no encryption key is configured`);
    stages.push(decryptStream(await archive.keys.unwrapKey(header.wrappedKey), { context: key, name }));
  }
  stages.push(decompressStream(header.compression));
  let content: Buffer;
  try {
    content = await transformBuffer(payload, stages);
  } catch (cause) {
    if (isDbarchError(cause) && cause.code.startsWith('DBA_BACKUP_KEY')) throw cause;
    throw new DbarchError('DBA_WAL_SEGMENT_CORRUPT', `archived ${name} does not decrypt or decompress: ${(cause as Error).message}`, { cause, details: { segment: name } });
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (content.length !== header.size || sha256 !== header.sha256) {
    throw new DbarchError('DBA_WAL_SEGMENT_CORRUPT', `archived ${name} does not match its checksum (${content.length} bytes, expected ${header.size})`, { details: { segment: name } });
  }
  const temporary = `${path}.dbarch-partial`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw new DbarchError('DBA_WAL_SEGMENT_INVALID', `cannot write ${path}: ${(cause as Error).message}`, { cause });
  }
  return { name, size: content.length };
}
