import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { pgToolPath } from '../../activities/backup/pgToolPath.ts';
import { libpqChildEnv, type LibpqChild } from '../../activities/postgres/libpqChildEnv.ts';
import { DbarchError } from '../../errors/DbarchError.ts';

const run = promisify(execFile);

/** The scratch database of one staging test: named by the step's idempotency key, so a retry reuses the name. */
export function scratchDatabaseName(idempotencyKey: string): string {
  return `dbarch_scratch_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 20)}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * A fresh scratch database on the target's server holding the target's schema as it is now: pg_dump
 * --schema-only of the target (every schema, including what was changed by hand), plus the rows of the
 * migration history, so pending migrations run against exactly what they will meet. Data is not copied (a test
 * of data-dependent failures needs a real staging copy). Dropped first if a previous attempt left it.
 */
export async function createScratchCopy(targetUrl: string, scratch: string, historySchema: string, signal: AbortSignal): Promise<string> {
  const binDir = process.env.DBARCH_PG_BINDIR || undefined;
  await dropScratch(targetUrl, scratch);
  const admin = new pg.Client({ connectionString: targetUrl, application_name: 'dbarch:scratch' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(scratch)} TEMPLATE template0`);
  } catch (cause) {
    throw new DbarchError('DBA_PIPELINE_SCRATCH', `cannot create scratch database ${scratch}: ${(cause as Error).message}`, { cause, details: { sqlstate: (cause as { code?: string }).code } });
  } finally {
    await admin.end();
  }
  const scratchUrl = withDatabase(targetUrl, scratch);
  const dir = await mkdtemp(join(tmpdir(), 'dbarch-scratch-'));
  try {
    const schemaFile = join(dir, 'schema.sql');
    const historyFile = join(dir, 'history.sql');
    // Passwords go to the tools in PGPASSWORD, never on their command lines (visible to every local user).
    const source = libpqChildEnv(targetUrl);
    const copy = libpqChildEnv(scratchUrl);
    await tool(pgToolPath('pg_dump', binDir), ['--schema-only', '--no-owner', '--no-privileges', '--file', schemaFile, `--dbname=${source.url}`], source, signal);
    const hasHistory = await schemaExists(targetUrl, historySchema);
    if (hasHistory) await tool(pgToolPath('pg_dump', binDir), ['--data-only', '--no-owner', '--schema', historySchema, '--file', historyFile, `--dbname=${source.url}`], source, signal);
    await tool(pgToolPath('psql', binDir), ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--file', schemaFile, `--dbname=${copy.url}`], copy, signal);
    if (hasHistory) await tool(pgToolPath('psql', binDir), ['--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '--file', historyFile, `--dbname=${copy.url}`], copy, signal);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return scratchUrl;
}

export async function dropScratch(targetUrl: string, scratch: string): Promise<void> {
  const admin = new pg.Client({ connectionString: targetUrl, application_name: 'dbarch:scratch' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(scratch)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function schemaExists(url: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function tool(command: string, args: string[], connection: LibpqChild, signal: AbortSignal): Promise<void> {
  try {
    await run(command, args, { signal, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...connection.env } });
  } catch (cause) {
    const failure = cause as { stderr?: string; code?: unknown; signal?: unknown; message?: string };
    const name = command.split('/').at(-1) ?? command;
    // The tool's output may echo the connection: only its redacted form goes into the error (and no raw cause).
    const stderr = connection.redact(String(failure.stderr ?? '').slice(-2000));
    throw new DbarchError('DBA_PIPELINE_SCRATCH', `${name} failed building the scratch copy: ${stderr || connection.redact(failure.message ?? String(cause))}`, {
      details: { tool: name, exitCode: typeof failure.code === 'number' ? failure.code : null, signal: typeof failure.signal === 'string' ? failure.signal : null, stderr },
    });
  }
}
