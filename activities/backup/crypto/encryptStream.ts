import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { chunkAad, chunkFormatVersion, chunkMagic, dataKeyId, defaultChunkSize, headerBytes, maxChunkSize } from './chunkFormat.ts';

export interface EncryptOptions {
  /** What the object is bound to (its key in the store); decryptStream must be given the same. */
  readonly context: string;
  readonly chunkSize?: number;
}

/**
 * Encrypts a stream into the chunked AES-256-GCM framing of chunkFormat.ts: fixed-size chunks, each with its own
 * random nonce and tag. The last chunk is only known at the end, so one chunk's worth is held back until then.
 */
export function encryptStream(dataKey: Buffer, options: EncryptOptions): Transform {
  const chunkSize = options.chunkSize ?? defaultChunkSize;
  if (dataKey.length !== 32) throw new DbarchError('DBA_BACKUP_KEY_INVALID', 'a data key has 32 bytes');
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > maxChunkSize) throw new RangeError(`chunk size ${chunkSize}`);
  const context = Buffer.from(options.context);
  const header = Buffer.alloc(headerBytes);
  chunkMagic.copy(header, 0);
  header.writeUInt8(chunkFormatVersion, 4);
  header.writeUInt32BE(chunkSize, 8);
  dataKeyId(dataKey).copy(header, 12);
  randomBytes(12).copy(header, 20);

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;

  const seal = (plain: Buffer, final: boolean): Buffer => {
    const nonce = randomBytes(12);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(plain.length, 0);
    head.writeUInt8(final ? 1 : 0, 4);
    const cipher = createCipheriv('aes-256-gcm', dataKey, nonce).setAAD(chunkAad(header, context, index, final, plain.length));
    const sealed = Buffer.concat([head, nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    index++;
    return sealed;
  };

  return new Transform({
    construct(callback) {
      this.push(header);
      callback();
    },
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Strictly more than a chunk: what is left at the end (0 up to chunkSize bytes) becomes the final chunk.
      if (pendingBytes > chunkSize) {
        let all = Buffer.concat(pending, pendingBytes);
        while (all.length > chunkSize) {
          this.push(seal(all.subarray(0, chunkSize), false));
          all = all.subarray(chunkSize);
        }
        pending = [all];
        pendingBytes = all.length;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      this.push(seal(Buffer.concat(pending, pendingBytes), true));
      pending = [];
      callback();
    },
  });
}
