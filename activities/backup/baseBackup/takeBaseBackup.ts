import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { libpqChildEnv } from '../../postgres/libpqChildEnv.ts';
import { runTool } from '../runTool.ts';
import { compressionSuffix, defaultLevels, type CompressionAlgorithm } from '../compression/Compression.ts';
import { defaultChunkSize } from '../crypto/chunkFormat.ts';
import { encryptStream } from '../crypto/encryptStream.ts';
import { openObjectStore } from '../store/openObjectStore.ts';
import { manifestKey, type BaseBackupManifest } from './BaseBackupManifest.ts';
import type { BaseBackupProgress, BaseBackupRequest } from './BaseBackupRequest.ts';
import { hashingTap } from './hashingTap.ts';
import { manifestMac } from './manifestMac.ts';
import { readBaseBackupManifest } from './readBaseBackupManifest.ts';

export interface BaseBackupExecution {
  readonly signal: AbortSignal;
  /** Called at most once a second with progress, and once at the end; a step turns these into heartbeats. */
  readonly progress?: (progress: BaseBackupProgress) => void;
}

/**
 * Takes a base backup of a running cluster, streamed end to end: pg_basebackup writes the data directory as one
 * tar to stdout (WAL to reach consistency included, PostgreSQL's backup_manifest with SHA256 per file appended),
 * compressed on its side (client-zstd with worker threads: the uncompressed tar never crosses a pipe), encrypted
 * here in chunks under a fresh data key and uploaded as it comes; nothing is staged on local disk. The manifest is
 * written last and only if absent. Per-file sizes and checksums are PostgreSQL's backup_manifest, inside the
 * encrypted stream: verify and restore check every file against it.
 *
 * Idempotent under backupId: a complete backup is returned as it is. pg_basebackup cannot resume a stream, so a
 * retry after a crash streams again under a new attempt; the dead attempt's objects are removed once a manifest
 * is written, and they are never listed, since nothing names them.
 */
export async function takeBaseBackup(request: BaseBackupRequest, execution: BaseBackupExecution): Promise<BaseBackupManifest> {
  const store = openObjectStore(request.destination, request.s3);
  const done = await readBaseBackupManifest(store, request.backupId).catch((error: unknown) => {
    if (error instanceof DbarchError && error.code === 'DBA_BACKUP_OBJECT_MISSING') return undefined;
    throw error;
  });
  if (done) return done;

  const startedAt = new Date().toISOString();
  const attempt = `${startedAt.replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const algorithm = request.compression.algorithm;
  const level = request.compression.level ?? defaultLevels[algorithm];
  const chunkSize = request.chunkSize ?? defaultChunkSize;
  const dataKey = randomBytes(32);
  const wrappedKey = request.keyProvider ? await request.keyProvider.wrapKey(dataKey) : undefined;
  const objectKey = `${request.backupId}/${attempt}/base.tar${compressionSuffix[algorithm]}${wrappedKey ? '.enc' : ''}`;
  const server = await serverFacts(request.connectionUrl);

  let estimatedBytes: number | undefined;
  let tarBytesSoFar = 0;
  let storedBytesSoFar = 0;
  let lastReport = 0;
  const report = (phase: BaseBackupProgress['phase'], force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 1000) return;
    lastReport = now;
    execution.progress?.({
      phase,
      backupId: request.backupId,
      attempt,
      tarBytes: tarBytesSoFar,
      ...(estimatedBytes !== undefined ? { estimatedBytes } : {}),
      storedBytes: storedBytesSoFar,
    });
  };

  const child = libpqChildEnv(request.connectionUrl);
  const tool = runTool(
    request.pgBinDir ? join(request.pgBinDir, 'pg_basebackup') : 'pg_basebackup',
    [
      '-d', child.url, '-D', '-', '-F', 'tar', '-X', 'fetch', '-c', 'fast', '--manifest-checksums=SHA256', '-P', '-v',
      `--compress=${pgBasebackupCompression(algorithm, level, request.compression.threads ?? availableParallelism())}`,
      '-l', `dbarch ${request.backupId}`,
      ...(request.maxRate ? ['-r', request.maxRate] : []),
    ],
    { env: child.env, signal: execution.signal, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const wal: { startLsn?: string; stopLsn?: string; timeline?: number } = {};
  let stderrTail = '';
  tool.child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4096);
    // -P: "12345/67890 kB (18%), 0/1 tablespace" once a second; -v: the WAL range of the backup.
    const progress = [...stderrTail.matchAll(/(\d+)\/(\d+) kB/g)].at(-1);
    if (progress) {
      tarBytesSoFar = Number(progress[1]) * 1024;
      estimatedBytes = Number(progress[2]) * 1024;
      report('streaming');
    }
    const start = /write-ahead log start point: ([0-9A-F]+\/[0-9A-F]+) on timeline (\d+)/.exec(stderrTail);
    if (start) [wal.startLsn, wal.timeline] = [start[1], Number(start[2])];
    const stop = /write-ahead log end point: ([0-9A-F]+\/[0-9A-F]+)/.exec(stderrTail);
    if (stop) wal.stopLsn = stop[1];
  });

  const storedTap = hashingTap((bytes) => (storedBytesSoFar = bytes));
  // pg_basebackup compresses (client side, zstd with worker threads) before the tar reaches this process: only
  // the compressed stream is piped, encrypted and uploaded here. backup_manifest is inside it, compressed too.
  const stages: NodeJS.ReadWriteStream[] = [];
  if (wrappedKey) stages.push(encryptStream(dataKey, { context: objectKey, chunkSize }));

  try {
    // The stages run as one pipeline whose last stream is the body of the upload: a failing stage destroys the
    // body (the upload fails), a failing upload destroys the body (the stages stop), never a stage left waiting.
    const upload = store.put(objectKey, storedTap.stream, { signal: execution.signal }).catch((error: unknown) => {
      storedTap.stream.destroy(error as Error);
      throw error;
    });
    const [flowResult, uploadResult] = await Promise.allSettled([pipeline([tool.child.stdout!, ...stages, storedTap.stream]), upload]);
    const exit = await tool.finished;
    const failure: unknown = flowResult.status === 'rejected' ? flowResult.reason : uploadResult.status === 'rejected' ? uploadResult.reason : undefined;
    // A stream that broke because pg_basebackup failed: its own words are the error worth reporting.
    if (exit.code !== 0) throw baseFailed(exit, child.redact, failure);
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
    if (wal.startLsn === undefined || wal.stopLsn === undefined || wal.timeline === undefined) {
      throw new DbarchError('DBA_BACKUP_BASE_FAILED', 'pg_basebackup did not report the backup\'s WAL range', { details: { stderr: child.redact(stderrTail) } });
    }
    report('writing-manifest', true);
    const unsigned: BaseBackupManifest = {
      formatVersion: 1,
      kind: 'base',
      backupId: request.backupId,
      cluster: request.cluster,
      attempt,
      startedAt,
      finishedAt: new Date().toISOString(),
      ...server,
      timeline: wal.timeline,
      startLsn: wal.startLsn,
      stopLsn: wal.stopLsn,
      walIncluded: true,
      compression: { algorithm, level },
      encryption: wrappedKey ? { algorithm: 'aes-256-gcm-chunked', chunkSize, wrappedKey } : null,
      objects: [{ key: objectKey, role: 'base.tar', storedBytes: storedTap.bytes(), sha256: storedTap.sha256(), tarBytes: tarBytesSoFar }],
      totals: { bytes: tarBytesSoFar, storedBytes: storedTap.bytes() },
      fileChecksums: 'backup_manifest',
    };
    const manifest: BaseBackupManifest = wrappedKey ? { ...unsigned, mac: manifestMac(unsigned, dataKey) } : unsigned;
    try {
      await store.put(manifestKey(request.backupId), JSON.stringify(manifest, null, 1), { ifAbsent: true });
    } catch (error) {
      // Another attempt completed the same backup first: its manifest stands, this attempt's objects go.
      if (error instanceof DbarchError && error.code === 'DBA_BACKUP_OBJECT_EXISTS') {
        await store.delete(objectKey);
        return await readBaseBackupManifest(store, request.backupId);
      }
      throw error;
    }
    // Leftovers of attempts that died (a killed worker): nothing names them, so they can go now.
    for (const object of await store.list(`${request.backupId}/`)) {
      if (object.key !== manifestKey(request.backupId) && !object.key.startsWith(`${request.backupId}/${attempt}/`)) await store.delete(object.key);
    }
    await store.removeIncomplete(`${request.backupId}/`);
    report('complete', true);
    return manifest;
  } catch (error) {
    tool.child.kill('SIGKILL');
    await store.delete(objectKey).catch(() => undefined);
    throw error;
  }
}

function baseFailed(exit: { code: number | null; signal: string | null; stderr: string; spawnError?: Error }, redact: (text: string) => string, cause?: unknown): DbarchError {
  if (exit.spawnError) {
    return new DbarchError('DBA_BACKUP_TOOL_MISSING', `pg_basebackup could not be started: ${exit.spawnError.message}`, { cause: exit.spawnError });
  }
  const stderr = redact(exit.stderr.replace(/[^\n]*\d+\/\d+ kB[^\n\r]*[\r\n]?/g, '')).trim();
  return new DbarchError('DBA_BACKUP_BASE_FAILED', `pg_basebackup failed (${exit.signal ?? `exit ${exit.code}`}): ${stderr.slice(-2000)}`, {
    cause,
    details: { code: exit.code, signal: exit.signal, stderr: stderr.slice(-4000) },
  });
}

async function serverFacts(url: string): Promise<Pick<BaseBackupManifest, 'serverVersion' | 'serverVersionNum' | 'systemIdentifier'>> {
  const client = new pg.Client({ connectionString: url, application_name: 'dbarch:backup' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string; num: number; sysid: string }>(
      "SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS num, system_identifier::text AS sysid FROM pg_control_system()",
    );
    const row = rows[0]!;
    return { serverVersion: row.version, serverVersionNum: row.num, systemIdentifier: row.sysid };
  } catch (cause) {
    throw new DbarchError('DBA_BACKUP_BASE_FAILED', `cannot query the cluster to back up: ${(cause as Error).message}`, { cause });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** pg_basebackup --compress for the spec's algorithm, compressed on the client (this worker) side. */
function pgBasebackupCompression(algorithm: CompressionAlgorithm, level: number, threads: number): string {
  switch (algorithm) {
    case 'zstd':
      return `client-zstd:level=${level},workers=${threads}`;
    case 'gzip':
      return `client-gzip:level=${level}`;
    case 'lz4':
      return `client-lz4:level=${level}`;
    case 'none':
      return 'none';
  }
}
