import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveEnvReferences } from '../../../compiler/grammar/envReference.ts';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { CompressionAlgorithm } from '../compression/Compression.ts';
import { walConfigFileName, type WalArchiveConfig } from './WalArchiveConfig.ts';

const algorithms: readonly CompressionAlgorithm[] = ['zstd', 'gzip', 'lz4', 'none'];

/**
 * The archive configuration of one wal-push / wal-fetch: `--config <file>`, else $DBARCH_WAL_CONFIG, else
 * dbarch-wal.json in the working directory (the data directory, where PostgreSQL runs the commands), else
 * DBARCH_WAL_DESTINATION (+ DBARCH_WAL_COMPRESSION, DBARCH_WAL_KEY). The destination may be an env reference.
 */
export async function loadWalArchiveConfig(options: { configPath?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<WalArchiveConfig> {
  const env = options.env ?? process.env;
  const explicit = options.configPath ?? env.DBARCH_WAL_CONFIG;
  const path = explicit ?? join(options.cwd ?? process.cwd(), walConfigFileName);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (explicit !== undefined || (cause as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new DbarchError('DBA_WAL_CONFIG_MISSING', `cannot read the WAL archive configuration ${path}: ${(cause as Error).message}`, { cause });
    }
  }
  const raw: Record<string, unknown> = text === undefined ? fromEnv(env) : parse(text, path);
  return checked(raw, text === undefined ? 'DBARCH_WAL_* environment' : path, env);
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  if (!env.DBARCH_WAL_DESTINATION) {
    throw new DbarchError('DBA_WAL_CONFIG_MISSING', `no ${walConfigFileName} in the working directory and DBARCH_WAL_DESTINATION is not set`);
  }
  return {
    destination: env.DBARCH_WAL_DESTINATION,
    compression: env.DBARCH_WAL_COMPRESSION ?? 'gzip',
    ...(env.DBARCH_WAL_KEY ? { encryptionKey: env.DBARCH_WAL_KEY } : {}),
  };
}

function parse(text: string, path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DbarchError('DBA_WAL_CONFIG_MISSING', `${path} is not a JSON object`, { hint: 'Rewrite it with `dbarch backup configure`.' });
}

function checked(raw: Record<string, unknown>, source: string, env: NodeJS.ProcessEnv): WalArchiveConfig {
  const bad = (field: string) => new DbarchError('DBA_WAL_CONFIG_MISSING', `${source}: ${field} is missing or invalid`, { hint: 'Rewrite it with `dbarch backup configure`.' });
  if (typeof raw.destination !== 'string' || raw.destination === '') throw bad('destination');
  const destination = resolveEnvReferences(raw.destination, env);
  if (!destination.ok) throw new DbarchError('DBA_WAL_CONFIG_MISSING', `${source}: destination ${raw.destination}: ${destination.message}`);
  const compression = raw.compression ?? 'gzip';
  if (typeof compression !== 'string' || !algorithms.includes(compression as CompressionAlgorithm)) throw bad('compression');
  const optionalString = (field: string): string | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw bad(field);
    return value;
  };
  const optionalInteger = (field: string): number | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw bad(field);
    return value;
  };
  const encryptionKey = optionalString('encryptionKey');
  const s3Endpoint = optionalString('s3Endpoint');
  const level = optionalInteger('level');
  const segmentSize = optionalInteger('segmentSize');
  return {
    destination: destination.value,
    compression: compression as CompressionAlgorithm,
    ...(level === undefined ? {} : { level }),
    ...(encryptionKey === undefined ? {} : { encryptionKey }),
    ...(s3Endpoint === undefined ? {} : { s3Endpoint }),
    ...(segmentSize === undefined ? {} : { segmentSize }),
  };
}
