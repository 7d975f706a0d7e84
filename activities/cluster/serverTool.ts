import { execFile } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DbarchError } from '../../errors/DbarchError.ts';

export type ServerTool = 'initdb' | 'pg_ctl' | 'pg_basebackup' | 'pg_rewind' | 'pg_controldata';

/** Debian's PostgreSQL 15 server programs unless DBARCH_PG_BINDIR names another bin directory. */
export function serverBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBARCH_PG_BINDIR ?? '/usr/lib/postgresql/15/bin';
}

let owner: { uid: number; gid: number } | null | undefined;

/**
 * The postgres user's ids when this process runs as root (the server refuses to run as root, and its files must
 * belong to the user it runs as); null when already running as someone else, who then owns the members.
 */
export function serverOwner(): { uid: number; gid: number } | null {
  if (owner !== undefined) return owner;
  if (process.getuid?.() !== 0) return (owner = null);
  try {
    owner = {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch (error) {
    throw new DbarchError('DBA_CLUSTER_BINARIES_MISSING', 'running as root, but there is no `postgres` user to run the members as', { cause: error });
  }
  return owner;
}

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a server program as the postgres user, with a timeout. A failure is DBA_CLUSTER_TOOL_FAILED carrying the
 * program's output, unless `accept` says the exit is fine (pg_ctl status exits 3 for "not running").
 */
export function runServerTool(tool: ServerTool, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; accept?: (code: number) => boolean } = {}): Promise<ToolResult & { code: number }> {
  const file = path.join(serverBinDir(), tool);
  if (!existsSync(file)) throw new DbarchError('DBA_CLUSTER_BINARIES_MISSING', `${file} does not exist`);
  const ids = serverOwner();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      { cwd: '/', timeout: options.timeoutMs ?? 120_000, env: { ...process.env, LC_ALL: 'C', ...options.env }, ...(ids === null ? {} : { uid: ids.uid, gid: ids.gid }), maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (error === null || options.accept?.(code) === true) {
          resolve({ stdout, stderr, code });
          return;
        }
        const output = `${stderr}${stdout}`.trim().split('\n').slice(-15).join('\n');
        reject(new DbarchError('DBA_CLUSTER_TOOL_FAILED', `${tool} ${args.join(' ')} failed${error.killed ? ' (timed out)' : ''}: ${output || error.message}`, { cause: error, details: { tool, args: [...args], code } }));
      },
    );
  });
}
