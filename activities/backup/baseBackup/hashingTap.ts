import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export interface HashingTap {
  readonly stream: Transform;
  /** Bytes through so far. */
  bytes(): number;
  /** The SHA-256 of everything that went through; call after the stream ended. */
  sha256(): string;
}

/** A pass-through that counts and hashes what flows, for a manifest's size and checksum of an object. */
export function hashingTap(onBytes?: (bytes: number) => void): HashingTap {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes?.(bytes);
      callback(null, chunk);
    },
  });
  let digest: string | undefined;
  return { stream, bytes: () => bytes, sha256: () => (digest ??= hash.digest('hex')) };
}
