import { rm } from 'node:fs/promises';
import { Context } from '@temporalio/activity';
import pg from 'pg';
import { DbarchError } from '../../errors/DbarchError.ts';
import { classifyPgError } from '../postgres/classifyPgError.ts';
import { libpqChildEnv } from '../postgres/libpqChildEnv.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import type { BackupManifest } from './BackupManifest.ts';
import { backupDirectory } from './backupDirectory.ts';
import { backupFiles } from './backupFiles.ts';
import type { BackupToolOptions } from './BackupToolOptions.ts';
import { findOutsideDependents, type OutsideDependent } from './findOutsideDependents.ts';
import { pgToolPath } from './pgToolPath.ts';
import { readCompleteBackup } from './readCompleteBackup.ts';
import { resolveBackupId } from './resolveBackupId.ts';
import { runTool } from './runTool.ts';
import { fetchSchemaDump, isLocalDestination, stagingDestination } from './schemaDumpStore.ts';
import { openObjectStore } from './store/openObjectStore.ts';
import { withBackupSession } from './withBackupSession.ts';

export interface RestoreSchemasInput {
  readonly databaseUrl: string;
  /** Where the backup was written (`file:///…` or an object store), as given to dumpSchemas. */
  readonly destination: string;
  /** The master key reference of an encrypted dump in an object store. */
  readonly keyReference?: string;
  /** Which backup: its id, or the manifest dumpSchemas returned (then the dump must still match its checksum). */
  readonly backupId?: string;
  readonly manifest?: BackupManifest;
  /** Restore even though objects outside the schemas depend on them (they are dropped with the schemas). */
  readonly allowDependents?: boolean;
  /** How long the restore waits for locks on the schemas' objects before giving up (retryable); default 1min. */
  readonly lockTimeout?: string;
}

export interface RestoreSchemasResult {
  readonly backupId: string;
  readonly schemas: readonly string[];
  /** The dump's point in time (from its manifest). */
  readonly lsn: string;
  readonly snapshotTime: string;
  /** Outside objects dropped with the schemas (only with allowDependents). */
  readonly droppedDependents: readonly OutsideDependent[];
  readonly bytesRestored: number;
  readonly durationMs: number;
}

/** Progress reported in heartbeat details while pg_restore and psql run. */
export interface RestoreProgress {
  readonly phase: 'verifying' | 'restoring';
  readonly backupId: string;
  readonly bytesRestored: number;
  readonly elapsedMs: number;
}

const heartbeatMs = 1000;

/**
 * Returns the schemas of a backup to their dumped state, in one transaction: the schemas are dropped (with
 * everything in them, including objects created after the dump) and re-created from the dump. pg_restore
 * turns the dump into SQL which psql runs between our BEGIN and COMMIT; COMMIT is sent only after pg_restore
 * succeeded, so any failure or cancellation leaves the database exactly as it was. Running it again restores
 * the same state again.
 */
export function restoreSchemas(deps: ActivityDeps, tools: BackupToolOptions = {}) {
  const restoreLocally = restoreSchemasFromDirectory(deps, tools);
  return async function restoreSchemas(input: RestoreSchemasInput): Promise<RestoreSchemasResult> {
    if (isLocalDestination(input.destination)) return restoreLocally(input);
    // An object store: fetch (and decrypt) into a staging directory, where the usual checks and restore run.
    const backupId = resolveBackupId(input.backupId ?? input.manifest?.backupId ?? missingId(), Context.current().info);
    const staging = stagingDestination(`${backupId}.restore`);
    try {
      await fetchSchemaDump(openObjectStore(input.destination), backupId, staging.directory, input.keyReference);
      return await restoreLocally({ ...input, destination: staging.url, backupId });
    } finally {
      await rm(staging.directory, { recursive: true, force: true });
    }
  };
}

/** The restore from a local directory (file://), and the last step for the other destinations. */
function restoreSchemasFromDirectory(_deps: ActivityDeps, tools: BackupToolOptions) {
  return async function restoreSchemas(input: RestoreSchemasInput): Promise<RestoreSchemasResult> {
    const context = Context.current();
    const startedAt = Date.now();
    const backupId = resolveBackupId(input.backupId ?? input.manifest?.backupId ?? missingId(), context.info);
    const files = backupFiles(backupDirectory(input.destination), backupId);
    const lockTimeout = input.lockTimeout ?? '1min';
    if (!/^\d+\s*(ms|s|min|h)?$/.test(lockTimeout)) {
      throw new DbarchError('DBA_CONFIG_INVALID', `lockTimeout ${JSON.stringify(lockTimeout)} is not a duration`, { hint: 'Use e.g. 500ms, 30s or 2min.' });
    }

    let bytesRestored = 0;
    let phase: RestoreProgress['phase'] = 'verifying';
    const progress = (): RestoreProgress => ({ phase, backupId, bytesRestored, elapsedMs: Date.now() - startedAt });
    context.heartbeat(progress());
    const heartbeat = setInterval(() => context.heartbeat(progress()), heartbeatMs);
    try {
      const state = await readCompleteBackup(files);
      if (state.kind === 'absent') {
        throw new DbarchError('DBA_BACKUP_NOT_FOUND', `no complete backup ${backupId} in ${input.destination}`, { details: { backupId, destination: input.destination } });
      }
      if (state.kind === 'corrupt') {
        throw new DbarchError('DBA_BACKUP_CORRUPT', `backup ${backupId} is damaged: ${state.reason}`, { details: { backupId, reason: state.reason } });
      }
      const manifest = state.manifest;
      if (input.manifest && input.manifest.sha256 !== manifest.sha256) {
        throw new DbarchError('DBA_BACKUP_CORRUPT', `backup ${backupId} on disk is not the one given (SHA-256 ${manifest.sha256}, expected ${input.manifest.sha256})`, {
          details: { backupId },
        });
      }

      const dependents = await outsideDependents(input.databaseUrl, manifest.schemas);
      if (dependents.length > 0 && !input.allowDependents) {
        throw new DbarchError('DBA_BACKUP_DEPENDENTS', `${dependents.length} object(s) outside ${manifest.schemas.join(', ')} depend on them and would be dropped`, {
          details: { backupId, dependents },
        });
      }

      phase = 'restoring';
      await runRestore(files.dump, manifest.schemas, input.databaseUrl, lockTimeout, tools, context.cancellationSignal, (bytes) => (bytesRestored += bytes));
      context.log.info('schemas restored', { backupId, schemas: manifest.schemas, bytesRestored });
      return {
        backupId,
        schemas: manifest.schemas,
        lsn: manifest.lsn,
        snapshotTime: manifest.snapshotTime,
        droppedDependents: dependents,
        bytesRestored,
        durationMs: Date.now() - startedAt,
      };
    } finally {
      clearInterval(heartbeat);
    }
  };
}

function missingId(): never {
  throw new DbarchError('DBA_BACKUP_ID_INVALID', 'restoreSchemas needs a backupId or a manifest', { hint: 'Pass the backupId (or manifest) that dumpSchemas returned.' });
}

async function outsideDependents(databaseUrl: string, schemas: readonly string[]): Promise<OutsideDependent[]> {
  const session = {
    applicationName: 'dbarch:restore',
    transient: 'DBA_BACKUP_RESTORE_TRANSIENT',
    permanent: 'DBA_BACKUP_RESTORE_FAILED',
    connectMessage: 'cannot inspect the database to restore',
    failureMessage: 'cannot inspect the database to restore',
  } as const;
  return withBackupSession(databaseUrl, session, (client) => findOutsideDependents(client, schemas));
}

/** pg_restore → psql, with our own BEGIN and a COMMIT written only once pg_restore has exited cleanly. */
async function runRestore(
  dumpPath: string,
  schemas: readonly string[],
  databaseUrl: string,
  lockTimeout: string,
  tools: BackupToolOptions,
  cancelled: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const abandon = new AbortController();
  const signal = AbortSignal.any([cancelled, abandon.signal]);
  const psqlPath = pgToolPath('psql', tools.pgBinDir);
  const restorePath = pgToolPath('pg_restore', tools.pgBinDir);
  // The password goes to psql in PGPASSWORD, never on its command line (visible to every local user).
  const connection = libpqChildEnv(databaseUrl);
  const psql = runTool(psqlPath, ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', '--set=VERBOSITY=verbose', `--dbname=${connection.url}`, '--file=-'], {
    signal,
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { PGAPPNAME: 'dbarch:restore', PGOPTIONS: `${process.env.PGOPTIONS ?? ''} -c client_connection_check_interval=1000`.trim(), ...connection.env },
  });
  const restore = runTool(restorePath, ['--file=-', dumpPath], { signal, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdin = psql.child.stdin;
  const stdout = restore.child.stdout;
  if (!stdin || !stdout) throw new Error('restore pipes were not created');
  stdin.on('error', () => undefined); // psql stopping early (ON_ERROR_STOP) is reported by its exit code
  const prelude = [
    `SET lock_timeout = '${lockTimeout}';`,
    'BEGIN;',
    ...schemas.map((schema) => `DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE;`),
    '',
  ].join('\n');
  stdin.write(prelude);
  stdout.on('data', (chunk: Buffer) => onBytes(chunk.length));
  stdout.pipe(stdin, { end: false });

  // psql stopping early (an error) would leave pg_restore blocked on a full pipe: stop it too.
  void psql.finished.then(() => abandon.abort());
  const restoreExit = await restore.finished;
  if (restoreExit.code === 0 && !signal.aborted) {
    stdin.end('COMMIT;\n');
  } else {
    abandon.abort(); // psql dies without COMMIT: the server rolls the transaction back
  }
  const psqlExit = await psql.finished;
  if (cancelled.aborted) throw cancelled.reason;
  for (const [tool, exit] of [
    [psqlPath, psqlExit],
    [restorePath, restoreExit],
  ] as const) {
    if (exit.spawnError) {
      throw new DbarchError('DBA_BACKUP_TOOL_MISSING', `cannot run ${tool}: ${exit.spawnError.code ?? exit.spawnError.message}`, { cause: exit.spawnError });
    }
  }
  if (psqlExit.code !== 0 && psqlExit.signal === null) {
    // With VERBOSITY verbose psql prints the SQLSTATE after the severity: "ERROR:  55P03: canceling …".
    const sqlstate = /ERROR:\s+([0-9A-Z]{5}):/.exec(psqlExit.stderr)?.[1] ?? null;
    // psql exits 2 when the connection was lost or could not be made.
    const retryable = sqlstate ? classifyPgError({ code: sqlstate }).retryable : psqlExit.code === 2;
    throw new DbarchError(retryable ? 'DBA_BACKUP_RESTORE_TRANSIENT' : 'DBA_BACKUP_RESTORE_FAILED', `restore failed (psql exit ${psqlExit.code}${sqlstate ? `, SQLSTATE ${sqlstate}` : ''}); nothing was changed`, {
      details: { sqlstate, psqlExitCode: psqlExit.code, stderr: connection.redact(psqlExit.stderr) },
    });
  }
  if (restoreExit.code !== 0) {
    throw new DbarchError('DBA_BACKUP_RESTORE_FAILED', `pg_restore exited with ${restoreExit.code ?? restoreExit.signal}; nothing was changed`, {
      details: { exitCode: restoreExit.code, stderr: connection.redact(restoreExit.stderr) },
    });
  }
  if (psqlExit.code !== 0) {
    throw new DbarchError('DBA_BACKUP_RESTORE_TRANSIENT', `psql ended by ${psqlExit.signal ?? psqlExit.code}; nothing was changed`, { details: { stderr: connection.redact(psqlExit.stderr) } });
  }
}
