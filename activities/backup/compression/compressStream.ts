import { availableParallelism } from 'node:os';
import { PassThrough, type Duplex } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import { childProcessDuplex } from './childProcessDuplex.ts';
import { defaultLevels, type Compression } from './Compression.ts';

/**
 * A compressing stream for the spec's algorithm. zstd runs Debian's `zstd` with -T<cores>: multi-threaded
 * compression in its own process, so the worker's event loop only moves bytes. gzip is node:zlib (in process,
 * for WAL segments where a process per 16 MiB would cost more than it saves); lz4 is Debian's `lz4`.
 */
export function compressStream(compression: Compression): Duplex {
  const level = compression.level ?? defaultLevels[compression.algorithm];
  switch (compression.algorithm) {
    case 'zstd':
      return childProcessDuplex('zstd', ['-q', '-c', ...(level > 19 ? ['--ultra'] : []), `-${level}`, `-T${compression.threads ?? availableParallelism()}`]);
    case 'lz4':
      return childProcessDuplex('lz4', ['-q', '-c', `-${level}`]);
    case 'gzip':
      return createGzip({ level, chunkSize: 1 << 20, strategy: constants.Z_DEFAULT_STRATEGY });
    case 'none':
      return new PassThrough();
  }
}
