import { PassThrough, type Duplex, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { childProcessDuplex } from './childProcessDuplex.ts';
import type { CompressionAlgorithm } from './Compression.ts';
import { ZstdDecompressor } from './zstdDecompressor.ts';

/** A decompressing stream; `recycle`, where it exists, takes a consumed chunk back for reuse (ZstdDecompressor). */
export type Decompressor = Duplex & { recycle?: (chunk: Buffer) => void };

/**
 * Reverses compressStream; a stream that does not decompress is DBA_BACKUP_COMPRESSION_FAILED. zstd and gzip
 * decompress in process (a restore's bytes never cross a pipe); lz4 runs Debian's `lz4`. `recycling`: the consumer
 * promises to hand every chunk to `recycle` once done with it, keeping no view of it.
 */
export function decompressStream(algorithm: CompressionAlgorithm, options: { recycling?: boolean } = {}): Decompressor {
  switch (algorithm) {
    case 'zstd':
      return new ZstdDecompressor(options);
    case 'lz4':
      return childProcessDuplex('lz4', ['-q', '-d', '-c']);
    case 'gzip':
      return codedZlib(createGunzip({ chunkSize: 1 << 20 }));
    case 'none':
      return new PassThrough();
  }
}

/** zlib's own errors (Z_DATA_ERROR, unexpected end) become the coded error. */
function codedZlib(zlib: Transform): Duplex {
  const emit = zlib.emit.bind(zlib);
  zlib.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'error' && !(args[0] instanceof DbarchError)) {
      const cause = args[0] as Error;
      return emit('error', new DbarchError('DBA_BACKUP_COMPRESSION_FAILED', `gzip stream does not decompress: ${cause.message}`, { cause }));
    }
    return emit(event, ...args);
  }) as typeof zlib.emit;
  return zlib;
}
