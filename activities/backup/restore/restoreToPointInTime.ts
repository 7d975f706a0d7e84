import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { DbarchError } from '../../../errors/DbarchError.ts';
import type { KeyProvider } from '../crypto/KeyProvider.ts';
import { openObjectStore } from '../store/openObjectStore.ts';
import type { S3Settings } from '../store/S3Settings.ts';
import { formatLsn } from '../wal/Lsn.ts';
import type { WalArchiveConfig } from '../wal/WalArchiveConfig.ts';
import { walCommands as defaultWalCommands, type WalCommands } from '../wal/walCommands.ts';
import { awaitPromotion } from './awaitPromotion.ts';
import { planPointInTimeRestore } from './planPointInTimeRestore.ts';
import type { RecoveryTarget } from './RecoveryTarget.ts';
import { recoverySettings } from './recoverySettings.ts';
import { restoreBaseBackup } from './restoreBaseBackup.ts';
import { runPgCtl } from './runPgCtl.ts';
import { serverOwner } from './serverOwner.ts';
import { writeRecoverySettings } from './writeRecoverySettings.ts';

export interface PointInTimeRestoreRequest {
  /** Names this restore (the workflow id): a retried attempt finds its own restored directory and goes on. */
  readonly restoreId: string;
  /** base_backups.destination, resolved. */
  readonly backupDestination: string;
  /** The WAL archive as wal-fetch reads it (written into the restored directory as dbarch-wal.json). */
  readonly wal: WalArchiveConfig;
  readonly target: RecoveryTarget;
  /** point_in_time_recovery.recovery_window. */
  readonly recoveryWindowMs?: number;
  readonly targetDir: string;
  readonly host?: string;
  readonly port: number;
  /** The master key of the base backups (the WAL's comes from the WAL configuration). */
  readonly keyProvider?: KeyProvider;
  readonly s3?: S3Settings;
  readonly pgBinDir?: string;
  readonly walCommands?: WalCommands;
  /** Extra settings for the restored instance. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Replace the cluster in targetDir: it is stopped and moved aside to `<dir>.dbarch-replaced-<time>` (never deleted). Only after an approval. */
  readonly overExisting?: boolean;
  readonly promotionTimeoutMs?: number;
  /** Tables to count once promoted, `database.schema.table` or `database.table`. */
  readonly countTables?: readonly string[];
}

export type RestorePhase = 'planning' | 'restoring-base' | 'replaying' | 'verifying' | 'done';

export interface PointInTimeRestoreProgress {
  readonly phase: RestorePhase;
  readonly backupId?: string;
  readonly storedBytes?: number;
  readonly replayLsn?: string | null;
}

export interface PointInTimeRestoreResult {
  readonly backupId: string;
  readonly targetDir: string;
  readonly url: string;
  readonly target: string;
  readonly walFiles: number;
  readonly restoredFiles: number;
  readonly restoredBytes: number;
  readonly timeline: number;
  readonly rowCounts: Readonly<Record<string, number>>;
  readonly durationMs: number;
  readonly movedAside?: string;
}

const markerFile = 'dbarch-restore.json';

/**
 * A point-in-time restore, end to end: check everything first (planPointInTimeRestore: nothing is touched when the
 * target, the backups or the WAL do not allow it), restore the chosen base backup into a new directory
 * (restoreBaseBackup), write the recovery settings (restore_command = dbarch wal-fetch, the target, promote),
 * start the server, wait for it to promote and check it accepts writes; count the tables asked for.
 */
export async function restoreToPointInTime(request: PointInTimeRestoreRequest, execution: { signal: AbortSignal; progress?: (progress: PointInTimeRestoreProgress) => void }): Promise<PointInTimeRestoreResult> {
  const started = Date.now();
  const host = request.host ?? '127.0.0.1';
  const owner = serverOwner();
  const report = execution.progress ?? (() => undefined);
  const marker = JSON.stringify({ restoreId: request.restoreId });
  const resumed = (await readFile(join(request.targetDir, markerFile), 'utf8').catch(() => undefined)) === marker;

  report({ phase: 'planning' });
  const backups = openObjectStore(request.backupDestination, request.s3);
  const walStore = openObjectStore(request.wal.destination, request.wal.s3Endpoint === undefined || request.s3 === undefined ? request.s3 : { ...request.s3, endpoint: request.wal.s3Endpoint });
  let movedAside: string | undefined;
  if (!resumed) {
    const plan = await planPointInTimeRestore({
      backups,
      wal: walStore,
      target: request.target,
      targetDir: request.targetDir,
      host,
      // Over an existing cluster, its own server holds the port until it is stopped below.
      port: request.overExisting === true ? 0 : request.port,
      ...(request.recoveryWindowMs === undefined ? {} : { recoveryWindowMs: request.recoveryWindowMs }),
      ...(request.wal.segmentSize === undefined ? {} : { segmentSize: request.wal.segmentSize }),
      ...(request.overExisting === undefined ? {} : { overExisting: request.overExisting }),
    });
    if (request.overExisting === true) {
      await runPgCtl(['stop', '-D', request.targetDir, '-m', 'fast', '-w'], { ...pgOptions(request), ...(owner ? { owner } : {}) });
      movedAside = `${request.targetDir}.dbarch-replaced-${new Date().toISOString().replace(/[-:.]/g, '')}`;
      await rename(request.targetDir, movedAside).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        movedAside = undefined;
      });
    }
    report({ phase: 'restoring-base', backupId: plan.backup.backupId });
    // The base restore stages beside the target, so its parent must exist (0755: the server's user walks through it).
    await mkdir(dirname(request.targetDir), { recursive: true, mode: 0o755 });
    const restored = await restoreBaseBackup(
      { destination: request.backupDestination, backupId: plan.backup.backupId, targetDir: request.targetDir, ...(request.keyProvider ? { keyProvider: request.keyProvider } : {}), ...(owner ? { owner } : {}), ...(request.s3 ? { s3: request.s3 } : {}) },
      { signal: execution.signal, progress: (p) => report({ phase: 'restoring-base', backupId: plan.backup.backupId, storedBytes: p.storedBytes }) },
    );
    const commands = request.walCommands ?? defaultWalCommands();
    const settings = recoverySettings(request.target, { port: request.port, host, restoreCommand: commands.restoreCommand, ...(request.settings ? { extra: request.settings } : {}) });
    await writeRecoverySettings(request.targetDir, settings, request.wal, owner);
    await writeFile(join(request.targetDir, markerFile), marker);
    await writeFile(join(request.targetDir, 'dbarch-restore-summary.json'), JSON.stringify({ backupId: plan.backup.backupId, walFiles: plan.walFiles, files: restored.files, bytes: restored.bytes }));
  }
  const summary = JSON.parse(await readFile(join(request.targetDir, 'dbarch-restore-summary.json'), 'utf8')) as { backupId: string; walFiles: number; files: number; bytes: number };

  const logFile = join(request.targetDir, 'dbarch-restore.log');
  const ctl = { ...pgOptions(request), ...(owner ? { owner } : {}) };
  const status = await runPgCtl(['status', '-D', request.targetDir], ctl);
  if (status.code !== 0) {
    // -w returns once the server accepts connections (recovery reached consistency) or has died; awaitPromotion
    // then watches replay up to the target.
    const timeoutSeconds = String(Math.ceil((request.promotionTimeoutMs ?? 3_600_000) / 1000));
    const start = await runPgCtl(['start', '-D', request.targetDir, '-l', logFile, '-w', '-t', timeoutSeconds], ctl);
    if (start.code !== 0) {
      const log = (await readFile(logFile, 'utf8').catch(() => '')).slice(-4000);
      throw new DbarchError('DBA_RESTORE_RECOVERY_FAILED', `the restored server did not start: ${start.output.trim()}`, { details: { output: start.output, log } });
    }
  }
  report({ phase: 'replaying', backupId: summary.backupId });
  const url = `postgres://postgres@${host}:${request.port}/postgres`;
  await awaitPromotion({
    url,
    logFile,
    running: async () => (await runPgCtl(['status', '-D', request.targetDir], ctl)).code === 0,
    signal: execution.signal,
    timeoutMs: request.promotionTimeoutMs ?? 3_600_000,
    progress: (state) => report({ phase: 'replaying', backupId: summary.backupId, replayLsn: state.replayLsn }),
  });

  report({ phase: 'verifying', backupId: summary.backupId });
  const client = new pg.Client({ connectionString: url, application_name: 'dbarch:restore-verify' });
  await client.connect();
  let timeline: number;
  try {
    // A promoted server writes: a temporary table proves it without leaving anything behind.
    await client.query('CREATE TEMPORARY TABLE dbarch_restore_check (ok boolean); DROP TABLE dbarch_restore_check');
    const { rows } = await client.query<{ timeline: number }>('SELECT timeline_id AS timeline FROM pg_control_checkpoint()');
    timeline = rows[0]!.timeline;
  } catch (cause) {
    throw new DbarchError('DBA_RESTORE_VERIFY_FAILED', `the restored server does not accept writes: ${(cause as Error).message}`, { cause });
  } finally {
    await client.end();
  }
  const rowCounts = await countRows(host, request.port, request.countTables ?? []);
  report({ phase: 'done', backupId: summary.backupId });
  return {
    backupId: summary.backupId,
    targetDir: request.targetDir,
    url,
    target: describeTarget(request.target),
    walFiles: summary.walFiles,
    restoredFiles: summary.files,
    restoredBytes: summary.bytes,
    timeline,
    rowCounts,
    durationMs: Date.now() - started,
    ...(movedAside ? { movedAside } : {}),
  };
}

function pgOptions(request: PointInTimeRestoreRequest): { pgBinDir?: string } {
  return request.pgBinDir === undefined ? {} : { pgBinDir: request.pgBinDir };
}

/** `database.table` or `database.schema.table` → its row count in the restored server. */
async function countRows(host: string, port: number, tables: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of tables) {
    const [database, ...rest] = name.split('.');
    if (database === undefined || rest.length < 1 || rest.length > 2) throw new DbarchError('DBA_RESTORE_VERIFY_FAILED', `table ${name} is not database.table or database.schema.table`);
    const client = new pg.Client({ host, port, user: 'postgres', database, application_name: 'dbarch:restore-verify' });
    try {
      await client.connect();
      const { rows } = await client.query<{ count: string }>(`SELECT count(*)::text AS count FROM ${rest.map((part) => client.escapeIdentifier(part)).join('.')}`);
      counts[name] = Number(rows[0]!.count);
    } catch (cause) {
      throw new DbarchError('DBA_RESTORE_VERIFY_FAILED', `counting ${name} in the restored server failed: ${(cause as Error).message}`, { cause, details: { table: name } });
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return counts;
}

export function describeTarget(target: RecoveryTarget): string {
  switch (target.kind) {
    case 'time':
      return `time ${target.text}`;
    case 'lsn':
      return `lsn ${formatLsn(target.lsn)}`;
    case 'xid':
      return `xid ${target.xid}`;
    case 'name':
      return `restore point ${target.name}`;
    case 'latest':
      return 'end of the archive';
  }
}
