import type { CompressionAlgorithm } from '../compression/Compression.ts';

/**
 * How wal-push / wal-fetch reach the archive, as `dbarch backup configure` writes it into the data directory
 * (dbarch-wal.json, where archive_command and restore_command run) so the commands stay `dbarch wal-push %p`.
 * It holds references only: the key stays in the environment or a file, S3 credentials in the AWS variables.
 */
export interface WalArchiveConfig {
  /** wal_archiving.destination, resolved: `s3://bucket/prefix/` or `file:///dir/`. */
  readonly destination: string;
  /** wal_archiving.compression (the seed: gzip). */
  readonly compression: CompressionAlgorithm;
  readonly level?: number;
  /** base_backups.encryption_key when encryption is aes-256: `${NAME}`, `file:///path` or `aws-kms://<key>`; absent: not encrypted. */
  readonly encryptionKey?: string;
  /** A non-AWS S3 endpoint (else AWS_ENDPOINT_URL_S3 or AWS's own). */
  readonly s3Endpoint?: string;
  /** The cluster's wal_segment_size (default 16 MiB). */
  readonly segmentSize?: number;
}

/** The file name of the configuration in the data directory (and the working directory of archive_command). */
export const walConfigFileName = 'dbarch-wal.json';
