/** The algorithms backup_config names (base_backups.compression, wal_archiving.compression). */
export type CompressionAlgorithm = 'zstd' | 'gzip' | 'lz4' | 'none';

export interface Compression {
  readonly algorithm: CompressionAlgorithm;
  /** zstd 1-19 (default 3, as pgBackRest), gzip 1-9 (default 6), lz4 1-12 (default 1); ignored for none. */
  readonly level?: number;
  /** zstd worker threads (-T); default: the machine's cores. */
  readonly threads?: number;
}

export const defaultLevels: Readonly<Record<CompressionAlgorithm, number>> = { zstd: 3, gzip: 6, lz4: 1, none: 0 };

/** File name suffix of a compressed object, so a person looking at the bucket knows what it holds. */
export const compressionSuffix: Readonly<Record<CompressionAlgorithm, string>> = { zstd: '.zst', gzip: '.gz', lz4: '.lz4', none: '' };
