import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

export interface ToolExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: NodeJS.ErrnoException;
  /** The last 16 KiB of stderr. */
  readonly stderr: string;
}

export interface ToolRun {
  readonly child: ChildProcess;
  readonly finished: Promise<ToolExit>;
}

/** Time a tool gets to exit after SIGTERM before it is killed outright. */
const killGraceMs = 5000;

/**
 * Runs a PostgreSQL client program. When `signal` aborts (the activity was cancelled) the program is
 * terminated, so a cancelled activity leaves no pg_dump writing behind it; its server session ends with it.
 */
export function runTool(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; signal: AbortSignal; stdio?: StdioOptions }): ToolRun {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: options.stdio ?? ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-16_384);
  });
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), killGraceMs);
    killTimer.unref();
  };
  if (options.signal.aborted) terminate();
  else options.signal.addEventListener('abort', terminate, { once: true });
  const finished = new Promise<ToolExit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without 'exit' means the program never started.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: error, stderr });
    });
    child.once('close', (code, signal) => resolve({ code, signal, stderr }));
  }).finally(() => {
    clearTimeout(killTimer);
    options.signal.removeEventListener('abort', terminate);
  });
  return { child, finished };
}
