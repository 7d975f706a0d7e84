import { createHmac } from 'node:crypto';

/**
 * The framing of an encrypted backup object (version 1):
 *
 *   header  32 bytes: "DBAE" | version u8 | 3 zero bytes | chunk size u32 BE | data key id 8 bytes | stream id 12 bytes
 *   frames  per chunk: plaintext length u32 BE | final u8 | nonce 12 | ciphertext (length bytes) | GCM tag 16
 *
 * Every chunk but the last holds exactly `chunk size` bytes; the last has the final flag (an empty object is one
 * empty final chunk). Each chunk's AAD is header ‖ context ‖ chunk index u64 ‖ final u8 ‖ length u32, where the
 * context is what the caller binds the object to (its key in the store). So a changed byte, a chunk moved or
 * copied from another object, a dropped tail and bytes after the final chunk are all detected; the data key id
 * tells a wrong key from tampering.
 */
export const chunkMagic = Buffer.from('DBAE');
export const chunkFormatVersion = 1;
export const headerBytes = 32;
export const frameHeadBytes = 4 + 1 + 12;
export const tagBytes = 16;
/** 1 MiB: large enough that per-chunk cost vanishes, small enough that a chunk is held in memory while checked. */
export const defaultChunkSize = 1 << 20;
export const maxChunkSize = 64 << 20;

/** Fingerprint of a data key, in each object's header: a wrong key is told apart from a tampered object. */
export function dataKeyId(dataKey: Buffer): Buffer {
  return createHmac('sha256', dataKey).update('dbarch data key id').digest().subarray(0, 8);
}

export function chunkAad(header: Buffer, context: Buffer, index: number, final: boolean, length: number): Buffer {
  const tail = Buffer.alloc(13);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail.writeUInt8(final ? 1 : 0, 8);
  tail.writeUInt32BE(length, 9);
  return Buffer.concat([header, context, tail]);
}
