import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Context } from '@temporalio/activity';
import { DbarchError } from '../../errors/DbarchError.ts';
import type { ActivityDeps } from '../ActivityDeps.ts';
import { libpqChildEnv } from '../postgres/libpqChildEnv.ts';
import type { BackupManifest } from './BackupManifest.ts';
import { backupDirectory } from './backupDirectory.ts';
import { backupFiles } from './backupFiles.ts';
import type { BackupToolOptions } from './BackupToolOptions.ts';
import { fileSha256 } from './fileSha256.ts';
import { pgToolPath } from './pgToolPath.ts';
import { readCompleteBackup } from './readCompleteBackup.ts';
import { resolveBackupId } from './resolveBackupId.ts';
import { runTool } from './runTool.ts';
import { isLocalDestination, manifestKey, publishSchemaDump, readPublishedManifest, stagingDestination } from './schemaDumpStore.ts';
import { openObjectStore } from './store/openObjectStore.ts';
import { withBackupSession } from './withBackupSession.ts';

export interface DumpSchemasInput {
  readonly databaseUrl: string;
  /** Schema names, exact (not patterns). */
  readonly schemas: readonly string[];
  /** Where the dump and its manifest go: `file:///absolute/directory`, or an object store (`s3://bucket/prefix/`). */
  readonly destination: string;
  /** Names the backup; default derived from the workflow run and activity id, shared by every retry. */
  readonly backupId?: string;
  /** A non-local destination only: the master key reference the dump is encrypted under (schemaDumpStore.ts). */
  readonly keyReference?: string;
}

export interface DumpSchemasResult {
  readonly backupId: string;
  readonly destination: string;
  readonly manifestUrl: string;
  readonly manifest: BackupManifest;
  /** True when an earlier attempt had completed this backup and it was reused as it is. */
  readonly reused: boolean;
}

/** Progress reported in heartbeat details while pg_dump runs. */
export interface DumpProgress {
  readonly phase: 'dumping' | 'checksumming';
  readonly backupId: string;
  readonly bytesWritten: number;
  readonly elapsedMs: number;
}

const heartbeatMs = 1000;

/**
 * Logical backup of some schemas with pg_dump (custom format), for backup_before_migrate.
 *
 * Idempotent by backup id: a complete backup (manifest present, dump matching its size and SHA-256) is
 * returned as it is. pg_dump writes to a partial name that is renamed only when it succeeded, and the
 * manifest is renamed into place after that, so no reader ever sees half a dump under the final name. An
 * advisory lock on the source database keeps two attempts of the same backup from writing at once.
 */
export function dumpSchemas(deps: ActivityDeps, tools: BackupToolOptions = {}) {
  const dumpLocally = dumpSchemasToDirectory(deps, tools);
  return async function dumpSchemas(input: DumpSchemasInput): Promise<DumpSchemasResult> {
    if (isLocalDestination(input.destination)) return dumpLocally(input);
    // An object store: dump to a staging directory as for file://, then publish (dump first, manifest last).
    const backupId = resolveBackupId(input.backupId, Context.current().info);
    const store = openObjectStore(input.destination);
    const remote = (manifest: BackupManifest, reused: boolean): DumpSchemasResult => ({
      backupId, destination: input.destination, manifestUrl: `${input.destination.replace(/\/?$/, '/')}${manifestKey(backupId)}`, manifest, reused,
    });
    const published = await readPublishedManifest(store, backupId);
    if (published) return remote(published, true);
    const staging = stagingDestination(backupId);
    try {
      const dumped = await dumpLocally({ ...input, destination: staging.url, backupId });
      return remote(await publishSchemaDump(store, staging.directory, dumped.manifest, input.keyReference), false);
    } finally {
      await rm(staging.directory, { recursive: true, force: true });
    }
  };
}

/** The dump into a local directory (file://), and the staging step of the other destinations. */
function dumpSchemasToDirectory(deps: ActivityDeps, tools: BackupToolOptions) {
  return async function dumpSchemas(input: DumpSchemasInput): Promise<DumpSchemasResult> {
    const context = Context.current();
    const backupId = resolveBackupId(input.backupId, context.info);
    const directory = backupDirectory(input.destination);
    const files = backupFiles(directory, backupId);
    const result = (manifest: BackupManifest, reused: boolean): DumpSchemasResult => ({
      backupId,
      destination: input.destination,
      manifestUrl: pathToFileURL(files.manifest).href,
      manifest,
      reused,
    });
    if (input.schemas.length === 0) {
      throw new DbarchError('DBA_BACKUP_SCHEMA_MISSING', 'no schemas were named for the backup', { hint: 'Name at least one schema.' });
    }
    try {
      await mkdir(directory, { recursive: true });
    } catch (cause) {
      throw new DbarchError('DBA_BACKUP_DESTINATION_UNWRITABLE', `cannot create backup directory ${directory}`, { cause, details: { directory } });
    }

    const existing = await reusable(files, backupId, input);
    if (existing) {
      context.log.info('backup already complete, reused', { backupId });
      return result(existing, true);
    }

    // The password goes to pg_dump in PGPASSWORD, never on its command line (visible to every local user).
    const connection = libpqChildEnv(input.databaseUrl);
    let partial: string | undefined;
    const session = {
      applicationName: 'dbarch:backup',
      transient: 'DBA_BACKUP_DUMP_FAILED',
      permanent: 'DBA_BACKUP_SOURCE',
      connectMessage: 'cannot connect to the database to back up',
      failureMessage: `backup ${backupId} failed`,
      // A connection lost while pg_dump runs must not crash the worker; pg_dump's own exit reports it.
      onLost: (error: Error) => {
        context.log.warn('backup session lost', { backupId, error: error.message });
      },
      passThrough: () => context.cancellationSignal.aborted,
    } as const;
    return withBackupSession(input.databaseUrl, session, async (client) => {
      try {
        const locked = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`, [`dbarch.backup:${backupId}`]);
        if (!locked.rows[0]?.locked) {
          throw new DbarchError('DBA_BACKUP_IN_PROGRESS', `another attempt is writing backup ${backupId}`, { details: { backupId } });
        }
        // The attempt that held the lock may have finished just before we got it.
        const finishedMeanwhile = await reusable(files, backupId, input);
        if (finishedMeanwhile) return result(finishedMeanwhile, true);

        const found = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [input.schemas]);
        const missing = input.schemas.filter((schema) => !found.rows.some((row) => row.nspname === schema));
        if (missing.length > 0) {
          throw new DbarchError('DBA_BACKUP_SCHEMA_MISSING', `schema(s) ${missing.join(', ')} do not exist in the database`, { details: { missing } });
        }
        await removePartials(directory, files.partialPrefix);

        // pg_dump reads through our exported snapshot, so the LSN and time recorded are exactly the dump's.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        const snapshot = await client.query<{ snapshot: string; lsn: string; at: Date; database: string; version: string; version_num: string }>(
          `SELECT pg_export_snapshot() AS snapshot,
                  (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn,
                  now() AS at, current_database() AS database, current_setting('server_version') AS version,
                  current_setting('server_version_num') AS version_num`,
        );
        const facts = snapshot.rows[0];
        if (!facts) throw new Error('snapshot query returned no row');

        const startedAt = new Date();
        partial = join(directory, `${files.partialPrefix}${randomBytes(4).toString('hex')}`);
        const partialPath = partial;
        const pgDump = pgToolPath('pg_dump', tools.pgBinDir);
        const run = runTool(
          pgDump,
          ['--format=custom', `--file=${partialPath}`, `--snapshot=${facts.snapshot}`, '--no-password', ...input.schemas.map((schema) => `--schema=${exactPattern(schema)}`), `--dbname=${connection.url}`],
          { signal: context.cancellationSignal, env: { ...connectionCheckEnv(), ...connection.env } },
        );
        const progress = async (phase: DumpProgress['phase']): Promise<DumpProgress> => ({
          phase,
          backupId,
          bytesWritten: await stat(partialPath).then((info) => info.size, () => 0),
          elapsedMs: Date.now() - startedAt.getTime(),
        });
        context.heartbeat(await progress('dumping'));
        const heartbeat = setInterval(() => void progress('dumping').then((details) => context.heartbeat(details)), heartbeatMs);
        const exit = await run.finished.finally(() => clearInterval(heartbeat));
        if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason;
        if (exit.spawnError) {
          throw new DbarchError('DBA_BACKUP_TOOL_MISSING', `cannot run ${pgDump}: ${exit.spawnError.code ?? exit.spawnError.message}`, { cause: exit.spawnError });
        }
        if (exit.code !== 0) {
          throw new DbarchError('DBA_BACKUP_DUMP_FAILED', `pg_dump exited with ${exit.code ?? exit.signal}`, {
            details: { backupId, exitCode: exit.code, signal: exit.signal, stderr: connection.redact(exit.stderr) },
          });
        }

        const checksumBeat = setInterval(() => void progress('checksumming').then((details) => context.heartbeat(details)), heartbeatMs);
        const [sha256, sizeBytes, pgDumpVersion] = await Promise.all([
          fsyncFile(partialPath).then(() => fileSha256(partialPath)),
          stat(partialPath).then((info) => info.size),
          toolVersion(pgDump, context.cancellationSignal),
        ]).finally(() => clearInterval(checksumBeat));
        await rename(partialPath, files.dump);
        partial = undefined;
        const manifest: BackupManifest = {
          formatVersion: 1,
          backupId,
          kind: 'schemas',
          format: 'custom',
          database: facts.database,
          schemas: [...input.schemas],
          dumpFile: basename(files.dump),
          sizeBytes,
          sha256,
          serverVersion: facts.version,
          serverVersionNum: Number(facts.version_num),
          pgDumpVersion,
          lsn: facts.lsn,
          snapshotTime: facts.at.toISOString(),
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
        };
        const manifestPartial = `${files.manifest}.partial-${randomBytes(4).toString('hex')}`;
        await writeFile(manifestPartial, `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
        await fsyncFile(manifestPartial);
        await rename(manifestPartial, files.manifest);
        await fsyncFile(directory);
        context.log.info('schemas dumped', { backupId, schemas: input.schemas, sizeBytes, lsn: facts.lsn });
        return result(manifest, false);
      } catch (error) {
        if (partial) await unlink(partial).catch(() => undefined);
        // Node's filesystem errors carry the failing syscall; PostgreSQL's carry a SQLSTATE instead.
        if (error instanceof Error && !(error instanceof DbarchError) && !context.cancellationSignal.aborted && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
          throw new DbarchError('DBA_BACKUP_DESTINATION_UNWRITABLE', `writing backup ${backupId} to ${directory} failed: ${error.message}`, {
            cause: error,
            details: { directory },
          });
        }
        throw error;
      }
      // Ending the session (withBackupSession) ends the snapshot transaction and releases the lock.
    });
  };
}

/** A complete backup under this id, if it is one of the same database and schemas; another use of the id is an error. */
async function reusable(files: ReturnType<typeof backupFiles>, backupId: string, input: DumpSchemasInput): Promise<BackupManifest | undefined> {
  const state = await readCompleteBackup(files);
  if (state.kind !== 'complete') return undefined; // absent, or damaged: dump again over it
  const sameSchemas = state.manifest.schemas.length === input.schemas.length && state.manifest.schemas.every((schema, i) => schema === input.schemas[i]);
  const database = new URL(input.databaseUrl).pathname.slice(1);
  if (!sameSchemas || (database !== '' && decodeURIComponent(database) !== state.manifest.database)) {
    throw new DbarchError('DBA_BACKUP_ID_INVALID', `backup id ${backupId} is already used for ${state.manifest.database} (${state.manifest.schemas.join(', ')})`, {
      hint: 'Use a new backup id for another database or set of schemas.',
      details: { backupId, existing: { database: state.manifest.database, schemas: state.manifest.schemas } },
    });
  }
  return state.manifest;
}

/** pg_dump's -n takes patterns; inside double quotes every character is literal (a quote is doubled). */
function exactPattern(schema: string): string {
  return `"${schema.replaceAll('"', '""')}"`;
}

/** Lets the server notice within a second that a killed pg_dump is gone, ending its snapshot and locks. */
function connectionCheckEnv(): NodeJS.ProcessEnv {
  const options = process.env.PGOPTIONS ?? '';
  return { PGOPTIONS: `${options} -c client_connection_check_interval=1000`.trim() };
}

async function removePartials(directory: string, prefix: string): Promise<void> {
  for (const entry of await readdir(directory)) {
    if (entry.startsWith(prefix)) await unlink(join(directory, entry)).catch(() => undefined);
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function toolVersion(tool: string, signal: AbortSignal): Promise<string> {
  const run = runTool(tool, ['--version'], { signal, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  run.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await run.finished;
  return output.trim();
}
