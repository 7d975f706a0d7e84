import { createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { chunkAad, chunkFormatVersion, chunkMagic, dataKeyId, frameHeadBytes, headerBytes, maxChunkSize, tagBytes } from './chunkFormat.ts';

export interface DecryptOptions {
  /** The context the object was encrypted with (its key in the store). */
  readonly context: string;
  /** For messages and error details: which object this is. */
  readonly name?: string;
}

/**
 * Reverses encryptStream. A chunk is released only after its tag checked out, so no byte of a tampered chunk
 * reaches the consumer. Errors: DBA_BACKUP_KEY_WRONG (the header names another data key),
 * DBA_BACKUP_CHUNK_TAMPERED (a tag fails, the header is not ours, bytes follow the final chunk),
 * DBA_BACKUP_TRUNCATED (the stream ends before the final chunk).
 */
export function decryptStream(dataKey: Buffer, options: DecryptOptions): Transform {
  const context = Buffer.from(options.context);
  const name = options.name ?? options.context;
  const expectedKeyId = dataKeyId(dataKey);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let header: Buffer | undefined;
  let chunkSize = 0;
  let index = 0;
  let finished = false;

  const take = (n: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length > 0 ? [rest] : [];
    pendingBytes = rest.length;
    return out;
  };
  // The first n bytes without joining the whole queue: a 1 MiB frame arrives as sixteen 64 KiB reads, and joining
  // everything on each look made every frame cost eight times its size in copies.
  const peek = (n: number): Buffer => {
    if (pending[0]!.length < n) pending = [Buffer.concat(pending, pendingBytes)];
    return pending[0]!.subarray(0, n);
  };
  const tampered = (message: string, cause?: unknown) =>
    new DbarchError('DBA_BACKUP_CHUNK_TAMPERED', `${name}: ${message}`, { cause, details: { object: name, chunk: index } });

  const drain = (stream: Transform): void => {
    if (header === undefined) {
      if (pendingBytes < headerBytes) return;
      header = Buffer.from(take(headerBytes));
      if (!header.subarray(0, 4).equals(chunkMagic) || header.readUInt8(4) !== chunkFormatVersion) {
        throw tampered('not an encrypted dbarch object (bad header)');
      }
      chunkSize = header.readUInt32BE(8);
      if (chunkSize < 1 || chunkSize > maxChunkSize) throw tampered(`header names an impossible chunk size ${chunkSize}`);
      if (!header.subarray(12, 20).equals(expectedKeyId)) {
        throw new DbarchError('DBA_BACKUP_KEY_WRONG', `${name} was encrypted with another data key`, { details: { object: name } });
      }
    }
    while (pendingBytes >= frameHeadBytes) {
      if (finished) throw tampered('bytes follow the final chunk');
      const head = peek(frameHeadBytes);
      const length = head.readUInt32BE(0);
      const final = head.readUInt8(4);
      if (final > 1 || length > chunkSize || (final === 0 && length !== chunkSize)) throw tampered(`chunk ${index} has an impossible length or flag`);
      const frameBytes = frameHeadBytes + length + tagBytes;
      if (pendingBytes < frameBytes) return;
      const frame = take(frameBytes);
      const nonce = frame.subarray(5, 17);
      const decipher = createDecipheriv('aes-256-gcm', dataKey, nonce).setAAD(chunkAad(header, context, index, final === 1, length));
      decipher.setAuthTag(frame.subarray(frameHeadBytes + length));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(frame.subarray(frameHeadBytes, frameHeadBytes + length)), decipher.final()]);
      } catch (cause) {
        throw tampered(`chunk ${index} failed authentication`, cause);
      }
      stream.push(plain);
      index++;
      if (final === 1) finished = true;
    }
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      if (chunk.length === 0) return callback();
      pending.push(chunk);
      pendingBytes += chunk.length;
      try {
        drain(this);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      if (finished && pendingBytes === 0) return callback();
      if (finished) return callback(tampered('bytes follow the final chunk'));
      callback(
        new DbarchError('DBA_BACKUP_TRUNCATED', `${name} ends after ${index} chunks without its final chunk`, {
          details: { object: name, chunks: index },
        }),
      );
    },
  });
}
