import { chown, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { DbarchError } from '../../../errors/DbarchError.ts';
import { classifyPgError } from '../../postgres/classifyPgError.ts';
import { walConfigFileName, type WalArchiveConfig } from './WalArchiveConfig.ts';
import { walCommands, type WalCommands } from './walCommands.ts';

export interface ArchivingConfigured {
  readonly dataDirectory: string;
  readonly archiveCommand: string;
  readonly restoreCommand: string;
  /** How the configuration file reached the data directory. */
  readonly configWrittenBy: 'filesystem' | 'server';
  /** archive_mode changed and waits for a restart of the server; archiving runs only after it. */
  readonly restartNeeded: boolean;
  readonly segmentSize: number;
}

/**
 * Turns on WAL archiving through dbarch on a running cluster (what `dbarch backup configure` does, and what a
 * cluster provisioner can call): writes dbarch-wal.json into the data directory (directly when this machine sees
 * the directory, else through the server with COPY … TO), then ALTER SYSTEM archive_mode = on, archive_command and
 * restore_command, and a reload. Idempotent; archive_mode needs a restart when it was off, reported, not done.
 */
export async function configureWalArchiving(url: string, config: WalArchiveConfig, commands: WalCommands = walCommands()): Promise<ArchivingConfigured> {
  const client = new pg.Client({ connectionString: url, application_name: 'dbarch:backup-configure' });
  try {
    await client.connect();
    const settings = await client.query<{ data_directory: string; wal_segment_size: string }>(
      "SELECT current_setting('data_directory') AS data_directory, (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size') AS wal_segment_size",
    );
    const row = settings.rows[0]!;
    const segmentSize = Number(row.wal_segment_size);
    const dataDirectory = row.data_directory;
    const text = `${JSON.stringify({ ...config, segmentSize }, null, 2)}\n`;
    const configWrittenBy = await writeLocally(dataDirectory, text) ? 'filesystem' : 'server';
    if (configWrittenBy === 'server') {
      // COPY's text format would escape a backslash or a tab; a configuration has none, but refuse rather than garble.
      if (/[\\\t]/.test(text)) throw new DbarchError('DBA_ARCHIVE_CONFIGURE_FAILED', 'the WAL configuration holds a backslash or tab and cannot be written through the server');
      await client.query(`COPY (SELECT ${client.escapeLiteral(text.trimEnd())}) TO ${client.escapeLiteral(join(dataDirectory, walConfigFileName))}`);
    }
    await client.query(`ALTER SYSTEM SET archive_mode = 'on'`);
    await client.query(`ALTER SYSTEM SET archive_command = ${client.escapeLiteral(commands.archiveCommand)}`);
    await client.query(`ALTER SYSTEM SET restore_command = ${client.escapeLiteral(commands.restoreCommand)}`);
    await client.query('SELECT pg_reload_conf()');
    // The reload is asynchronous; current_setting of archive_mode stays as the server started until a restart anyway.
    const mode = await client.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'archive_mode'");
    return { dataDirectory, archiveCommand: commands.archiveCommand, restoreCommand: commands.restoreCommand, configWrittenBy, restartNeeded: mode.rows[0]?.setting !== 'on', segmentSize };
  } catch (error) {
    if (error instanceof DbarchError) throw error;
    const kind = classifyPgError(error);
    throw new DbarchError('DBA_ARCHIVE_CONFIGURE_FAILED', `configuring WAL archiving failed: ${(error as Error).message}`, { cause: error, details: { sqlstate: kind.sqlstate, category: kind.category } });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Writes the file into the data directory when this machine sees it, owned like the directory; false when it does not. */
async function writeLocally(dataDirectory: string, text: string): Promise<boolean> {
  let owner: { uid: number; gid: number };
  try {
    const info = await stat(join(dataDirectory, 'PG_VERSION'));
    owner = { uid: info.uid, gid: info.gid };
  } catch {
    return false;
  }
  const path = join(dataDirectory, walConfigFileName);
  try {
    await writeFile(path, text, { mode: 0o600 });
    if (process.getuid?.() === 0) await chown(path, owner.uid, owner.gid);
    return true;
  } catch {
    return false;
  }
}
