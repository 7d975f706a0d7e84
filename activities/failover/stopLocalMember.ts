import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveEnvReferences } from '../../compiler/grammar/envReference.ts';
import type { FailoverMember } from './FailoverCluster.ts';

export type LocalStop = 'stopped' | 'not-running' | 'not-local';

/**
 * Shuts down a member running on this machine by signalling the postmaster named in its postmaster.pid, as
 * `pg_ctl stop` does, and waits until it is gone. `immediate` (SIGQUIT, the fence): no WAL is written on the way
 * out, so nothing a client sees as committed can happen after it. `fast` (SIGINT, a switchover): sessions end, a
 * shutdown checkpoint is written and sent to the connected standbys. Members without a local data directory:
 * not-local.
 */
export async function stopLocalMember(member: FailoverMember, mode: 'immediate' | 'fast' = 'immediate', timeoutMs = 30_000): Promise<LocalStop> {
  const dataDir = localDataDir(member);
  if (dataDir === undefined) return 'not-local';
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !isPostgres(pid)) return 'not-running';
  try {
    process.kill(pid, mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + timeoutMs;
  while (isPostgres(pid)) {
    if (Date.now() > deadline) throw new Error(`postmaster ${pid} of ${member.name} did not exit within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return 'stopped';
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Alive and a PostgreSQL server (a stale pid file may name a pid reused by something else); zombies are gone. */
function isPostgres(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    return /postgres|postmaster/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return false;
  }
}

/** The member's data directory with env references resolved, when it exists on this machine. */
export function localDataDir(member: FailoverMember): string | undefined {
  if (member.dataDir === undefined) return undefined;
  const resolved = resolveEnvReferences(member.dataDir, process.env);
  return resolved.ok && existsSync(resolved.value) ? resolved.value : undefined;
}
