import { DbarchError } from '../../errors/DbarchError.ts';
import { livePostmaster } from './inspectMember.ts';
import type { MemberPaths } from './memberPaths.ts';
import { runServerTool } from './serverTool.ts';
import { memberOpenSslEnv } from '../tls/memberTlsFiles.ts';
import { logTail } from './waitForStreaming.ts';

/** Starts the member's server and waits until it accepts connections (pg_ctl -w), its log in the member's log file. */
export async function startMemberServer(paths: MemberPaths, timeoutMs = 60_000): Promise<void> {
  try {
    await runServerTool('pg_ctl', ['start', '-D', paths.data, '-l', paths.logFile, '-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-s'], { timeoutMs: timeoutMs + 5000, env: memberOpenSslEnv(paths) });
  } catch (error) {
    // pg_ctl only says "examine the log": put the log's last lines into the error.
    if (error instanceof DbarchError) throw new DbarchError(error.code, `${error.message}\n${logTail(paths.logFile)}`, { cause: error.cause, details: error.details });
    throw error;
  }
}

/** Stops the member's server if it runs: fast (sessions ended, a clean shutdown checkpoint), or immediate. */
export async function stopMemberServer(paths: MemberPaths, mode: 'fast' | 'immediate' = 'fast', timeoutMs = 60_000): Promise<boolean> {
  if (livePostmaster(paths.data) === undefined) return false;
  await runServerTool('pg_ctl', ['stop', '-D', paths.data, '-m', mode, '-w', '-t', String(Math.ceil(timeoutMs / 1000)), '-s'], {
    timeoutMs: timeoutMs + 5000,
    // 1: not running (it stopped between the check and the call).
    accept: (code) => code === 1,
  });
  return true;
}
