import { DbarchError } from '../../../errors/DbarchError.ts';
import type { CompressionAlgorithm } from '../compression/Compression.ts';
import type { WrappedKey } from '../crypto/WrappedKey.ts';

/**
 * The clear-text head of an archived WAL file: what it is and how to read it back. The payload after it is the
 * file compressed, then (with a key) encrypted in the chunked AES-256-GCM framing under a data key of its own,
 * wrapped by the master key. `sha256` and `size` are of the original file: wal-fetch checks them after decrypting
 * and decompressing, and wal-push compares them to tell a repeated push (no-op) from a conflicting one.
 */
export interface WalObjectHeader {
  readonly format: 1;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly compression: CompressionAlgorithm;
  readonly wrappedKey?: WrappedKey;
}

const magic = Buffer.from('DBARCH-WAL\n');

export function encodeWalObjectHeader(header: WalObjectHeader): Buffer {
  return Buffer.concat([magic, Buffer.from(`${JSON.stringify(header)}\n`)]);
}

/** Splits an archived object into its header and payload; DBA_WAL_SEGMENT_CORRUPT when it is not one. */
export function decodeWalObject(object: Buffer, name: string): { header: WalObjectHeader; payload: Buffer } {
  const corrupt = (why: string) => new DbarchError('DBA_WAL_SEGMENT_CORRUPT', `archived ${name}: ${why}`, { details: { segment: name } });
  if (!object.subarray(0, magic.length).equals(magic)) throw corrupt('not a dbarch WAL archive object');
  const end = object.indexOf(0x0a, magic.length);
  if (end < 0) throw corrupt('header is cut off');
  let header: WalObjectHeader;
  try {
    header = JSON.parse(object.subarray(magic.length, end).toString('utf8')) as WalObjectHeader;
  } catch (cause) {
    throw corrupt(`header is not JSON (${(cause as Error).message})`);
  }
  if (header.format !== 1 || header.name !== name || typeof header.sha256 !== 'string' || !Number.isInteger(header.size)) throw corrupt('header does not describe this file');
  return { header, payload: object.subarray(end + 1) };
}
